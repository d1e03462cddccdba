import XCTest
@testable import Autograd

/// Finite-difference checks of the ops that move scalars around.
final class ShapeOpsGradientTests: XCTestCase {
    let checker = GradientChecker()

    func testReshaped() {
        let x = TestData.uniform([2, 6], seed: 1)
        checker.check([x]) { x.reshaped([3, 4]) }
        checker.check([x]) { x.reshaped([-1, 2, 2]) * x.reshaped([3, 2, 2]) }
    }

    func testPermuted() {
        let x = TestData.uniform([2, 3, 4], seed: 2)
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 2, 1]] {
            checker.check([x], label: "permute \(order)") { x.permuted(order) }
        }
    }

    func testTransposed() {
        // Non-square: a transposed gradient index would land out of place.
        let x = TestData.uniform([3, 5], seed: 3)
        checker.check([x]) { x.transposed() }
        let y = TestData.uniform([2, 3, 4], seed: 4)
        checker.check([y]) { y.transposed(0, 2) }
        // Transpose then multiply by a broadcast row, so the gradient is not uniform.
        let w = TestData.uniform([3], seed: 5)
        checker.check([x, w]) { x.transposed() * w }
    }

    func testRows() {
        let x = TestData.uniform([5, 3], seed: 6)
        checker.check([x]) { x.rows(1..<4) }
        // Two overlapping slices of the same tensor: their gradients add.
        checker.check([x]) { x.rows(0..<3) * x.rows(2..<5) }
    }

    func testGatherRowsWithRepeatedIndices() {
        let x = TestData.uniform([4, 3], seed: 7)
        checker.check([x]) { x.gatherRows([2, 0, 2, 3, 2]) }
        let y = TestData.uniform([3, 2, 2], seed: 8)
        checker.check([y]) { y.gatherRows([1, 1, 0]) }
    }
}
