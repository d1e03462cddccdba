import XCTest
@testable import Autograd

/// Finite-difference checks of the fused losses.
final class LossGradientTests: XCTestCase {
    let checker = GradientChecker()

    func testMSELoss() {
        let p = TestData.uniform([3, 2], seed: 1)
        let t = TestData.uniform([3, 2], seed: 2)
        checker.check([p, t]) { mseLoss(p, t) }
    }

    func testMSELossWithConstantTarget() {
        let p = TestData.uniform([5], seed: 3)
        let t = TestData.uniform([5], seed: 4, requiresGrad: false)
        checker.check([p]) { mseLoss(p, t) }
        XCTAssertNil(t.grad)
    }

    func testCrossEntropyLoss() {
        let logits = TestData.uniform([4, 3], seed: 5, low: -2, high: 2)
        checker.check([logits]) { crossEntropyLoss(logits, labels: [2, 0, 1, 2]) }
    }

    func testCrossEntropyLossBeneathOtherOps() {
        let x = TestData.uniform([3, 4], seed: 6)
        let w = TestData.uniform([5, 4], seed: 7)
        checker.check([x, w]) { crossEntropyLoss(linear(x, weight: w, bias: nil), labels: [4, 0, 4]) }
    }

    func testBinaryCrossEntropyWithLogits() {
        let logits = TestData.uniform([2, 3], seed: 8, low: -3, high: 3)
        let targets = TestData.uniform([2, 3], seed: 9, low: 0, high: 1)
        checker.check([logits, targets]) { binaryCrossEntropyWithLogits(logits, targets) }
    }

    func testBinaryCrossEntropyWithHardTargets() {
        let logits = TestData.uniform([5], seed: 10, low: -3, high: 3)
        let targets = Tensor([1, 0, 0, 1, 1], shape: [5])
        checker.check([logits]) { binaryCrossEntropyWithLogits(logits, targets) }
    }
}
