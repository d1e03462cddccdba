import XCTest
@testable import Autograd

/// Forward values of sum and mean.
final class ReductionForwardTests: XCTestCase {
    let m = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])

    func testSumAndMeanOfEverything() {
        assertTensor(m.sum(), shape: [], [21])
        assertTensor(m.mean(), shape: [], [3.5])
        assertTensor(Tensor(scalar: 7).sum(), shape: [], [7])
    }

    func testSumOverOneAxis() {
        assertTensor(m.sum(axes: [0]), shape: [3], [5, 7, 9])
        assertTensor(m.sum(axes: [1]), shape: [2], [6, 15])
        assertTensor(m.sum(axes: [-1]), shape: [2], [6, 15])
        assertTensor(m.sum(axes: [1], keepDims: true), shape: [2, 1], [6, 15])
        assertTensor(m.sum(axes: [0], keepDims: true), shape: [1, 3], [5, 7, 9])
    }

    func testSumOverSeveralAxes() {
        assertTensor(m.sum(axes: [0, 1]), shape: [], [21])
        assertTensor(m.sum(axes: [1, 0], keepDims: true), shape: [1, 1], [21])
        // A repeated axis is reduced once.
        assertTensor(m.sum(axes: [0, -2]), shape: [3], [5, 7, 9])
        // No axes: a copy.
        assertTensor(m.sum(axes: []), shape: [2, 3], [1, 2, 3, 4, 5, 6])
    }

    func testSumOverAxesOfA3DTensorAgainstNaiveLoops() {
        let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        func at(_ i: Int, _ j: Int, _ k: Int) -> Float { Float(i * 12 + j * 4 + k) }
        var over02: [Float] = []
        for j in 0..<3 { var s: Float = 0; for i in 0..<2 { for k in 0..<4 { s += at(i, j, k) } }; over02.append(s) }
        assertTensor(x.sum(axes: [0, 2]), shape: [3], over02)
        assertTensor(x.sum(axes: [0, 2], keepDims: true), shape: [1, 3, 1], over02)
        var over1: [Float] = []
        for i in 0..<2 { for k in 0..<4 { var s: Float = 0; for j in 0..<3 { s += at(i, j, k) }; over1.append(s) } }
        assertTensor(x.sum(axes: [1]), shape: [2, 4], over1)
        assertTensor(x.mean(axes: [1]), shape: [2, 4], over1.map { $0 / 3 })
    }

    func testMeanOverAxes() {
        assertTensor(m.mean(axes: [1]), shape: [2], [2, 5])
        assertTensor(m.mean(axes: [0], keepDims: true), shape: [1, 3], [2.5, 3.5, 4.5])
        assertTensor(m.mean(axes: [0, 1]), shape: [], [3.5])
    }

    func testLargeSumIsAccumulatedInDouble() {
        // 2²² copies of 0.1f: in Double the sum is exact, n·0.1f; a Float running sum would
        // drift by several percent once the total dwarfs each term.
        let n = 1 << 22
        let total = Tensor(repeating: 0.1, shape: [n]).sum().item()
        XCTAssertEqual(total, Float(Double(Float(0.1)) * Double(n)))
    }
}
