import Autograd
import NN
import XCTest

/// `clipGradientNorm` against PyTorch's `clip_grad_norm_` (`Fixtures/clip_grad_norm.json`).
///
/// Tolerance: relative 1e-6 with a 1e-7 floor. PyTorch sums the squares in Float32 and we in
/// Double, so the norms differ by the Float32 summation error over ≤ 10 terms (≤ 1e-6
/// relative); the clipped gradients are one multiplication by a coefficient carrying that
/// error. A wrong coefficient (clipping to the wrong norm, the wrong norm, clipping when under
/// the limit) is off by far more: the clipped cases scale by 0.2–0.5. (The +1e-6 in the
/// denominator moves the coefficient by 5e-7 relative, below what Float32 can tell apart.)
final class GradientClippingTests: XCTestCase {
    func testClippingMatchesPyTorch() throws {
        let cases = try FixtureLoader.load([ClipGradNormCase].self, "clip_grad_norm")
        XCTAssertEqual(cases.count, 3)
        for c in cases {
            XCTAssertEqual(c.normType, 2, "\(c.name): only the L2 norm is implemented")
            let parameters = c.shapes.map { Tensor.zeros($0, requiresGrad: true) }
            for (p, g) in zip(parameters, c.gradsBefore) { p.grad = Tensor(g, shape: p.shape) }

            let norm = clipGradientNorm(parameters, maxNorm: c.maxNorm)

            assertClose(Double(norm), Double(c.totalNorm), relative: 1e-6, "\(c.name): total norm")
            for (i, (p, expected)) in zip(parameters, c.gradsAfter).enumerated() {
                let grad = try XCTUnwrap(p.grad, c.name)
                XCTAssertEqual(grad.shape, p.shape, c.name)
                assertClose(grad.scalars, expected, relative: 1e-6, absolute: 1e-7, "\(c.name): tensor \(i)")
            }
        }
    }

    /// The fixture exercises both branches: clipped (norm above the limit) and untouched.
    func testFixtureCoversBothBranches() throws {
        let cases = try FixtureLoader.load([ClipGradNormCase].self, "clip_grad_norm")
        XCTAssertTrue(cases.contains { $0.totalNorm > 2 * $0.maxNorm })
        XCTAssertTrue(cases.contains { $0.totalNorm < $0.maxNorm && $0.gradsBefore == $0.gradsAfter })
    }

    /// Parameters without a gradient are skipped and do not count towards the norm.
    func testParametersWithoutGradientAreIgnored() throws {
        let a = Tensor.zeros([2], requiresGrad: true)
        let b = Tensor.zeros([3], requiresGrad: true)
        a.grad = Tensor([3, 4])
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-6)
        XCTAssertNil(b.grad)
        // Coefficient 1 / (5 + 1e-6).
        assertClose(try XCTUnwrap(a.grad).scalars, [0.6, 0.8], relative: 1e-6)
    }
}
