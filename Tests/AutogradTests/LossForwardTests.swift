import XCTest
@testable import Autograd

/// Forward values of the losses.
final class LossForwardTests: XCTestCase {
    func testMSELossByHand() {
        // ((1−1)² + (2−0)² + (3−0)²) / 3
        assertTensor(mseLoss(Tensor([1, 2, 3]), Tensor([1, 0, 0])), shape: [], [13.0 / 3])
        assertTensor(mseLoss(Tensor([0.5, 0.5], shape: [2, 1]), Tensor([0.5, 0.5], shape: [2, 1])), shape: [], [0])
    }

    func testCrossEntropyByHand() {
        // Row 0: −log softmax([1, 2, 3])[2] = 0.407606; row 1: uniform over 3 → log 3.
        let logits = Tensor([1, 2, 3, 1, 1, 1], shape: [2, 3])
        assertTensor(crossEntropyLoss(logits, labels: [2, 0]), shape: [], [0.753_109_13])
    }

    func testCrossEntropyIsStableForLargeLogits() {
        let logits = Tensor([1000, 0, -1000, 1000], shape: [2, 2])
        // Row 0 is right with certainty (loss 0); row 1 is wrong by 2000.
        assertTensor(crossEntropyLoss(logits, labels: [0, 0]), shape: [], [1000])
    }

    func testBinaryCrossEntropyWithLogitsByHand() {
        // log 2; 2 + log(1 + e⁻²); 0.5 + log(1 + e⁻¹); mean of the three.
        let loss = binaryCrossEntropyWithLogits(Tensor([0, 2, -1]), Tensor([1, 0, 0.5]))
        assertTensor(loss, shape: [], [1.211_112_3])
    }

    func testBinaryCrossEntropyIsFiniteForLargeLogits() {
        let loss = binaryCrossEntropyWithLogits(Tensor([100, -100, 100]), Tensor([0, 1, 1]))
        assertTensor(loss, shape: [], [200.0 / 3])
    }
}
