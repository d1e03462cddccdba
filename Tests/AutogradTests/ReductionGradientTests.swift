import XCTest
@testable import Autograd

/// Finite-difference checks of sum and mean, over everything and over axes.
final class ReductionGradientTests: XCTestCase {
    let checker = GradientChecker()

    func testSumAll() {
        let x = TestData.uniform([3, 4], seed: 1)
        checker.check([x]) { x.sum() }
    }

    func testMeanAll() {
        // Mean divides the gradient by the count; keep the count small so that the gradient
        // stays well above the rounding floor.
        let x = TestData.uniform([2, 3], seed: 2)
        checker.check([x]) { x.mean() }
    }

    func testSumOverAxes() {
        let x = TestData.uniform([2, 3, 4], seed: 3)
        let cases: [([Int], Bool)] = [
            ([0], false), ([1], false), ([2], false), ([-1], true), ([0, 2], false),
            ([0, 2], true), ([1, 2], false), ([0, 1, 2], false), ([0, 1, 2], true), ([], false),
        ]
        for (axes, keep) in cases {
            checker.check([x], label: "sum axes \(axes) keepDims \(keep)") { x.sum(axes: axes, keepDims: keep) }
        }
    }

    func testMeanOverAxes() {
        let x = TestData.uniform([2, 3, 4], seed: 4)
        for (axes, keep) in [([0], false), ([2], true), ([0, 2], false), ([-2], true)] {
            checker.check([x], label: "mean axes \(axes) keepDims \(keep)") { x.mean(axes: axes, keepDims: keep) }
        }
    }

    func testReductionOfABroadcastProduct() {
        // The per-channel statistic pattern batch norm and losses build on.
        let x = TestData.uniform([4, 3], seed: 5)
        let w = TestData.uniform([3], seed: 6)
        checker.check([x, w]) { (x * w).sum(axes: [0]) }
        checker.check([x, w]) { (x * w).mean(axes: [1], keepDims: true) }
    }
}
