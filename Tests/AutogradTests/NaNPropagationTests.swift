import XCTest
@testable import Autograd

/// A NaN that enters an op must come out of it: diagnostics detect a diverged run by its NaNs,
/// and an op that quietly maps NaN to a finite value hides the divergence.
final class NaNPropagationTests: XCTestCase {
    /// 9 elements with the NaN in the SIMD tail, and 8 with it in a full vector.
    private func inputs() -> [Tensor] {
        [Tensor([0.5, 1, -1, 2, -2, 0.25, 3, -3, .nan]), Tensor([.nan, 1, -1, 2, -2, 0.25, 3, -3])]
    }

    private func assertNaNAt(_ t: Tensor, _ index: Int, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(t.scalars[index].isNaN, "\(name) of NaN is \(t.scalars[index])", file: file, line: line)
    }

    func testElementwiseOps() {
        for (k, x) in inputs().enumerated() {
            let i = k == 0 ? 8 : 0
            assertNaNAt(x.exp(), i, "exp")
            assertNaNAt(x.sigmoid(), i, "sigmoid")
            assertNaNAt(x.tanh(), i, "tanh")
            assertNaNAt(x.relu(), i, "relu")
            assertNaNAt(x.leakyRelu(), i, "leakyRelu")
            assertNaNAt(x.elu(), i, "elu")
            assertNaNAt(x.gelu(), i, "gelu")
            assertNaNAt(x * 2 + 1, i, "affine")
            assertNaNAt(x.log(), i, "log")
        }
        XCTAssertTrue(VectorMath.exp(Float.nan).isNaN)
    }

    func testReductionsAndLosses() {
        let x = Tensor([1, .nan, 2, 3], shape: [2, 2])
        XCTAssertTrue(x.sum().item().isNaN)
        XCTAssertTrue(x.softmax().scalars[1].isNaN)
        XCTAssertTrue(x.logSoftmax().scalars[0].isNaN)
        XCTAssertTrue(mseLoss(x, Tensor.zeros([2, 2])).item().isNaN)
        XCTAssertTrue(crossEntropyLoss(x, labels: [0, 1]).item().isNaN)
        XCTAssertTrue(binaryCrossEntropyWithLogits(x, Tensor.zeros([2, 2])).item().isNaN)
    }
}
