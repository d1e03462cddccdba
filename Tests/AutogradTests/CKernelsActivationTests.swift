import CKernels
import Foundation
import XCTest
@testable import Autograd

/// The C activation kernels against Double references, at every length around the vector
/// widths, with NaN, signed zeros and infinities among the inputs.
final class CKernelsActivationTests: XCTestCase {
    /// Double-precision e^x as the kernels define it: the argument clamped to [-87.3, 88.3].
    private func referenceExp(_ x: Float) -> Double {
        x.isNaN ? .nan : Foundation.exp(Double(min(max(x, -87.3), 88.3)))
    }

    func testExpIsWithinThreeUlpAtEveryLength() {
        for n in KernelHarness.lengths {
            let x = KernelHarness.inputs(n)
            let y = KernelHarness.guarded(x) { ck_exp(x, $0, n) }
            for i in 0..<n {
                XCTAssertLessThanOrEqual(KernelHarness.ulps(y[i], referenceExp(x[i])), 3,
                                         "exp(\(x[i])) = \(y[i]), n = \(n)")
            }
        }
    }

    func testExpSweepIsWithinThreeUlp() {
        let x = stride(from: Float(-87), through: 88, by: 1.0 / 64).map { $0 }
        var y = [Float](repeating: 0, count: x.count)
        ck_exp(x, &y, x.count)
        let worst = zip(x, y).map { KernelHarness.ulps($1, Foundation.exp(Double($0))) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 3)
    }

    func testSigmoidMatchesDoubleAtEveryLength() {
        for n in KernelHarness.lengths {
            let x = KernelHarness.inputs(n, seed: n)
            let y = KernelHarness.guarded(x) { ck_sigmoid(x, $0, n) }
            for i in 0..<n {
                let expected = x[i].isNaN ? Double.nan : 1 / (1 + referenceExp(-x[i]))
                // A few ulp, or for results near the smallest normal a tiny absolute error.
                let ok = KernelHarness.ulps(y[i], expected) <= 4 || abs(Double(y[i]) - expected) < 1e-44
                XCTAssertTrue(ok, "sigmoid(\(x[i])) = \(y[i]), expected \(expected), n = \(n)")
            }
        }
    }

    func testSigmoidEdgeValues() {
        let x: [Float] = [.nan, 0, -0.0, .infinity, -.infinity, 200, -200]
        var y = [Float](repeating: 7, count: x.count)
        ck_sigmoid(x, &y, x.count)
        XCTAssertTrue(y[0].isNaN, "sigmoid(NaN) must stay NaN")
        XCTAssertEqual(Array(y[1...3]), [0.5, 0.5, 1])
        XCTAssertTrue(y[4] >= 0 && y[4] < 1e-37, "sigmoid(-inf) = \(y[4])")
        XCTAssertEqual(y[5], 1)
        XCTAssertTrue(y[6] >= 0 && y[6] < 1e-37, "sigmoid(-200) = \(y[6])")
    }

    /// Every scalar comes out the same whether a vector lane or the scalar remainder computed
    /// it, and the same as Autograd's Swift `VectorMath`, which the kernels replaced.
    func testSigmoidAndExpGiveTheSameBitsInEveryLaneAndAsVectorMath() {
        let x = KernelHarness.inputs(67)
        var wide = [Float](repeating: 0, count: x.count), wideExp = wide
        ck_sigmoid(x, &wide, x.count)
        ck_exp(x, &wideExp, x.count)
        for i in 0..<x.count {
            var one: Float = 0, oneExp: Float = 0
            withUnsafePointer(to: x[i]) { ck_sigmoid($0, &one, 1); ck_exp($0, &oneExp, 1) }
            let swift = VectorMath.sigmoid(VectorMath.Vector(repeating: x[i]))[0]
            XCTAssertTrue(KernelHarness.same(one, wide[i]) && KernelHarness.same(one, swift),
                          "sigmoid(\(x[i])): alone \(one), in a vector \(wide[i]), VectorMath \(swift)")
            XCTAssertTrue(KernelHarness.same(oneExp, wideExp[i]) && KernelHarness.same(oneExp, VectorMath.exp(x[i])),
                          "exp(\(x[i])): alone \(oneExp), in a vector \(wideExp[i])")
        }
    }

    func testSigmoidBackwardWritesAndAccumulates() {
        for n in KernelHarness.lengths {
            let y = (0..<n).map { Float($0 % 11) / 10 }  // outputs in [0, 1]
            let g = KernelHarness.inputs(n, seed: 5)
            let d0 = (0..<n).map { Float($0) * 0.25 - 3 }
            let written = KernelHarness.guarded(d0) { ck_sigmoid_backward(g, y, $0, n, 0) }
            let added = KernelHarness.guarded(d0) { ck_sigmoid_backward(g, y, $0, n, 1) }
            for i in 0..<n {
                let d = Double(g[i]) * (Double(y[i]) * (1 - Double(y[i])))
                XCTAssertLessThanOrEqual(KernelHarness.ulps(written[i], d), 2, "g \(g[i]) y \(y[i]), n = \(n)")
                XCTAssertTrue(KernelHarness.same(added[i], d0[i] + written[i]), "accumulate, n = \(n)")
            }
        }
    }

    func testSigmoidBackwardInPlaceOverTheGradient() {
        let y: [Float] = (0..<19).map { Float($0) / 19 }
        var g: [Float] = (0..<19).map { Float($0) - 9 }
        let expected = zip(g, y).map { $0 * ($1 * (1 - $1)) }
        g.withUnsafeMutableBufferPointer { ck_sigmoid_backward($0.baseAddress!, y, $0.baseAddress!, 19, 0) }
        XCTAssertEqual(g, expected)
    }

    func testReluForwardIsExact() {
        for n in KernelHarness.lengths {
            let x = KernelHarness.inputs(n, seed: 2)
            let y = KernelHarness.guarded(x) { ck_relu(x, $0, n) }
            for i in 0..<n {
                let expected: Float = x[i] < 0 ? 0 : x[i]
                XCTAssertTrue(KernelHarness.same(y[i], expected) && y[i].sign == expected.sign,
                              "relu(\(x[i])) = \(y[i]), n = \(n)")
            }
        }
        var y: [Float] = [1, 1]
        ck_relu([.nan, -.infinity], &y, 2)
        XCTAssertTrue(y[0].isNaN, "relu(NaN) must stay NaN")
        XCTAssertEqual(y[1], 0)
    }

    func testReluBackwardPassesGradientOnlyWherePositive() {
        for n in KernelHarness.lengths {
            let x = KernelHarness.inputs(n, seed: 1)
            let g = (0..<n).map { Float($0) + 0.5 }
            let d0 = [Float](repeating: 10, count: n)
            let written = KernelHarness.guarded(d0) { ck_relu_backward(g, x, $0, n, 0) }
            let added = KernelHarness.guarded(d0) { ck_relu_backward(g, x, $0, n, 1) }
            for i in 0..<n {
                let d: Float = x[i] > 0 ? g[i] : 0
                XCTAssertEqual(written[i], d, "x \(x[i]), n = \(n)")
                XCTAssertEqual(added[i], 10 + d, "x \(x[i]), n = \(n)")
            }
        }
    }
}
