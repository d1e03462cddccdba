import XCTest
@testable import Autograd

/// Finite-difference checks of batch normalization in training and evaluation.
final class BatchNormGradientTests: XCTestCase {
    // In training, every output depends on every input of its channel through the mean and
    // variance, so the loss sums more terms; a smaller step keeps the curvature term small.
    let checker = GradientChecker(step: 5e-3)

    private func parameters(channels c: Int, seed: UInt64) -> (Tensor, Tensor, Tensor, Tensor) {
        let weight = TestData.uniform([c], seed: seed, low: 0.5, high: 1.5)
        let bias = TestData.uniform([c], seed: seed + 1)
        let runningMean = TestData.uniform([c], seed: seed + 2, requiresGrad: false)
        let runningVar = TestData.uniform([c], seed: seed + 3, low: 0.5, high: 1.5, requiresGrad: false)
        return (weight, bias, runningMean, runningVar)
    }

    func testTrainingWith2DInput() {
        let x = TestData.uniform([6, 3], seed: 1, low: -2, high: 2)
        let (w, b, rm, rv) = parameters(channels: 3, seed: 10)
        checker.check([x, w, b]) {
            batchNorm(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: true)
        }
    }

    func testTrainingWith3DInput() {
        let x = TestData.uniform([3, 2, 4], seed: 2, low: -2, high: 2)
        let (w, b, rm, rv) = parameters(channels: 2, seed: 20)
        checker.check([x, w, b]) {
            batchNorm(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: true)
        }
    }

    func testEvaluationMode() {
        let x = TestData.uniform([4, 3, 2], seed: 3, low: -2, high: 2)
        let (w, b, rm, rv) = parameters(channels: 3, seed: 30)
        checker.check([x, w, b]) {
            batchNorm(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: false)
        }
    }

    func testTrainingWithFrozenAffineParameters() {
        let x = TestData.uniform([5, 2], seed: 4, low: -2, high: 2)
        let (w, b, rm, rv) = parameters(channels: 2, seed: 40)
        w.requiresGrad = false
        b.requiresGrad = false
        checker.check([x]) {
            batchNorm(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: true)
        }
        XCTAssertNil(w.grad)
    }
}
