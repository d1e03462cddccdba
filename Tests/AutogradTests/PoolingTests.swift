import XCTest
@testable import Autograd

/// Average pooling over the length: forward values against a hand-computed mean, and the
/// backward against finite differences.
final class PoolingTests: XCTestCase {
    let checker = GradientChecker()

    func testForwardIsTheMeanOfEachRow() {
        // [2, 2, 3]: rows (0 1 2), (3 4 5), (6 7 8), (9 10 11).
        let x = Tensor((0..<12).map(Float.init), shape: [2, 2, 3])
        assertTensor(x.averagePooledOverLength(), shape: [2, 2], [1, 4, 7, 10])
    }

    func testForwardMatchesMeanOverTheLastAxis() {
        let x = TestData.uniform([3, 4, 7], seed: 11)
        let pooled = x.averagePooledOverLength()
        let reference = x.mean(axes: [2])
        XCTAssertEqual(pooled.shape, [3, 4])
        for i in 0..<pooled.count { XCTAssertEqual(pooled.pointer[i], reference.pointer[i], accuracy: 1e-6) }
    }

    func testLengthOneIsACopy() {
        let x = Tensor([1, -2, 3, 4, 5, 6], shape: [2, 3, 1])
        assertTensor(x.averagePooledOverLength(), shape: [2, 3], [1, -2, 3, 4, 5, 6])
    }

    func testGradientAgainstFiniteDifferences() {
        let x = TestData.uniform([2, 3, 4], seed: 12)
        checker.check([x]) { x.averagePooledOverLength() }
    }

    func testGradientAccumulatesWhenTheInputIsUsedTwice() {
        // The second use adds into the gradient the first wrote: the accumulate branch.
        let x = TestData.uniform([2, 2, 5], seed: 13)
        checker.check([x]) { x.averagePooledOverLength() + (x * x).averagePooledOverLength() }
    }
}
