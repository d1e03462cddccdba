import XCTest
@testable import Autograd

/// Finite-difference checks of + − × ÷ under every broadcasting pattern, the scalar forms,
/// and the elementwise sqrt, exp and log.
final class ArithmeticGradientTests: XCTestCase {
    let checker = GradientChecker()

    /// The operand shapes the acceptance bar names: same shape, scalar, row broadcast
    /// [N, C] with [C], the general [2, 1, 3] with [4, 1], and the reverse order of each so
    /// that the left operand is the broadcast one too.
    let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]),
        ([3, 4], []),
        ([3, 4], [1]),
        ([], [3, 4]),
        ([5, 3], [3]),
        ([3], [5, 3]),
        ([2, 1, 3], [4, 1]),
        ([4, 1], [2, 1, 3]),
        ([2, 3, 1], [1, 3, 4]),
    ]

    private func checkAllShapes(_ name: String, positiveRight: Bool = false,
                                _ op: @escaping (Tensor, Tensor) -> Tensor,
                                file: StaticString = #filePath, line: UInt = #line) {
        for (k, (sa, sb)) in shapePairs.enumerated() {
            let a = TestData.uniform(sa, seed: UInt64(10 + k))
            // Division keeps the divisor in [0.5, 1.5): away from 0, where 1/b explodes and the
            // difference quotient would measure curvature instead of slope.
            let b = positiveRight ? TestData.uniform(sb, seed: UInt64(50 + k), low: 0.5, high: 1.5)
                                  : TestData.uniform(sb, seed: UInt64(50 + k))
            checker.check([a, b], label: "\(name) \(sa) with \(sb)", file: file, line: line) { op(a, b) }
        }
    }

    func testAdd() { checkAllShapes("add") { $0 + $1 } }
    func testSubtract() { checkAllShapes("sub") { $0 - $1 } }
    func testMultiply() { checkAllShapes("mul") { $0 * $1 } }
    func testDivide() { checkAllShapes("div", positiveRight: true) { $0 / $1 } }

    func testSameTensorOnBothSides() {
        let x = TestData.uniform([6], seed: 3, low: 0.5, high: 1.5)
        checker.check([x]) { x * x }
        checker.check([x]) { x / (x + x * x) }
        checker.check([x]) { x - x * x }
    }

    func testOnlyOneOperandRequiresGradient() {
        let a = TestData.uniform([5, 3], seed: 4)
        let b = TestData.uniform([3], seed: 5, low: 0.5, high: 1.5, requiresGrad: false)
        checker.check([a]) { a / b }
        checker.check([a]) { b - a }
        XCTAssertNil(b.grad)
    }

    func testScalarForms() {
        let x = TestData.uniform([2, 5], seed: 6)
        checker.check([x]) { x + 0.75 }
        checker.check([x]) { x - 0.75 }
        checker.check([x]) { x * 2.5 }
        checker.check([x]) { -1.5 * x }
        checker.check([x]) { x / 4 }
        checker.check([x]) { -x }
        checker.check([x]) { x.affine(scale: -0.7, shift: 3) }
        checker.check([x]) { x.squared() }
    }

    func testSqrt() {
        let x = TestData.uniform([3, 5], seed: 7, low: 0.5, high: 3)
        checker.check([x]) { x.sqrt() }
    }

    func testExp() {
        // 17 elements: two SIMD8 blocks and a tail, so both code paths of the kernel run.
        let x = TestData.uniform([17], seed: 8, low: -2, high: 2)
        checker.check([x]) { x.exp() }
    }

    func testLog() {
        let x = TestData.uniform([3, 5], seed: 9, low: 0.5, high: 3)
        checker.check([x]) { x.log() }
    }

    func testComposedExpression() {
        // A small expression mixing broadcast and elementwise ops, checked end to end.
        let x = TestData.uniform([4, 3], seed: 11)
        let w = TestData.uniform([3], seed: 12)
        let b = TestData.uniform([1], seed: 13)
        checker.check([x, w, b]) { ((x * w + b).exp() + 1).log().sqrt() }
    }
}
