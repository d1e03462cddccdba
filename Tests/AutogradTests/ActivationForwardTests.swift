import Foundation
import XCTest
@testable import Autograd

/// Forward values of the activations, softmax and log-softmax.
final class ActivationForwardTests: XCTestCase {
    func testSigmoidAgainstDoubleFormula() {
        let x: [Float] = [0, 1, -1, 2.5, -2.5, 10, -10, 30, -30, 0.125, -0.75]
        let y = Tensor(x).sigmoid().scalars
        XCTAssertEqual(y[0], 0.5)
        for (i, v) in x.enumerated() {
            let expected = 1 / (1 + Foundation.exp(-Double(v)))
            XCTAssertEqual(Double(y[i]), expected, accuracy: 5e-7 * expected, "sigmoid(\(v))")
        }
        // Saturates without NaN or infinity.
        let extreme = Tensor([200, -200]).sigmoid().scalars
        XCTAssertEqual(extreme[0], 1)
        XCTAssertTrue(extreme[1] >= 0 && extreme[1] < 1e-30)
    }

    func testTanh() {
        let x: [Float] = [0, 0.5, -0.5, 2, -2, 20, -20]
        let y = Tensor(x).tanh().scalars
        for (i, v) in x.enumerated() {
            XCTAssertEqual(Double(y[i]), Foundation.tanh(Double(v)), accuracy: 2e-7, "tanh(\(v))")
        }
    }

    func testReluFamilyByHand() {
        let x = Tensor([-2, -0.5, 0, 0.5, 2, -4, 3, -1, 1])
        assertTensor(x.relu(), shape: [9], [0, 0, 0, 0.5, 2, 0, 3, 0, 1])
        assertTensor(x.leakyRelu(slope: 0.1), shape: [9], [-0.2, -0.05, 0, 0.5, 2, -0.4, 3, -0.1, 1])
        assertTensor(x.leakyRelu(), shape: [9], [-0.02, -0.005, 0, 0.5, 2, -0.04, 3, -0.01, 1])
        // elu(−1) = e⁻¹ − 1, elu(−2) = e⁻² − 1, elu(−4)·0.5 with alpha 0.5.
        assertTensor(x.elu(), shape: [9],
                     [-0.864_664_7, -0.393_469_34, 0, 0.5, 2, -0.981_684_4, 3, -0.632_120_56, 1])
        assertTensor(Tensor([-4, 1]).elu(alpha: 0.5), shape: [2], [-0.490_842_2, 1])
    }

    func testGeluByHand() {
        // x·Φ(x) with the exact normal CDF, as PyTorch's gelu(approximate='none').
        assertTensor(Tensor([0, 1, -1, 2, -3, 0.5]).gelu(), shape: [6],
                     [0, 0.841_344_75, -0.158_655_25, 1.954_499_7, -0.004_049_694, 0.345_731_23],
                     absolute: 1e-7, relative: 1e-6)
    }

    func testSoftmaxByHand() {
        let y = Tensor([1, 2, 3, 0, 0, 0], shape: [2, 3]).softmax()
        assertTensor(y, shape: [2, 3], [0.090_030_57, 0.244_728_47, 0.665_240_96, 1.0 / 3, 1.0 / 3, 1.0 / 3])
    }

    func testSoftmaxIsStableAndNormalizedOverTheLastAxis() {
        let big = Tensor([1000, 1001, 1002]).softmax()
        assertClose(big.scalars, [0.090_030_57, 0.244_728_47, 0.665_240_96])
        let x = TestData.uniform([3, 2, 5], seed: 1, low: -5, high: 5, requiresGrad: false).softmax().scalars
        for row in 0..<6 {
            let s = x[(row * 5)..<(row * 5 + 5)].reduce(0, +)
            XCTAssertEqual(s, 1, accuracy: 1e-6, "row \(row)")
        }
    }

    func testLogSoftmaxByHandAndStability() {
        assertTensor(Tensor([1, 2, 3]).logSoftmax(), shape: [3], [-2.407_606, -1.407_606, -0.407_606])
        assertTensor(Tensor([1000, 0]).logSoftmax(), shape: [2], [0, -1000])
        let x = TestData.uniform([4, 3], seed: 2, low: -3, high: 3, requiresGrad: false)
        assertClose(x.logSoftmax().scalars, x.softmax().scalars.map { Foundation.log($0) }, absolute: 1e-6)
    }
}
