import Foundation
import XCTest
@testable import Autograd

/// Forward values of the elementwise arithmetic, by hand and against naive loops.
final class ArithmeticForwardTests: XCTestCase {
    func testSameShape() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([10, 20, 30, 40], shape: [2, 2])
        assertTensor(a + b, shape: [2, 2], [11, 22, 33, 44])
        assertTensor(a - b, shape: [2, 2], [-9, -18, -27, -36])
        assertTensor(a * b, shape: [2, 2], [10, 40, 90, 160])
        assertTensor(a / b, shape: [2, 2], [0.1, 0.1, 0.1, 0.1])
    }

    func testScalarTensorOnEitherSide() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let s = Tensor(scalar: 2)
        assertTensor(a - s, shape: [2, 2], [-1, 0, 1, 2])
        assertTensor(s - a, shape: [2, 2], [1, 0, -1, -2])
        assertTensor(s / a, shape: [2, 2], [2, 1, 2.0 / 3, 0.5])
        assertTensor(a / Tensor([4], shape: [1]), shape: [2, 2], [0.25, 0.5, 0.75, 1])
        // A one-element operand of higher rank raises the output's rank.
        assertTensor(Tensor([1, 2, 3]) + Tensor([1], shape: [1, 1]), shape: [1, 3], [2, 3, 4])
    }

    func testRowBroadcast() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let row = Tensor([10, 100, 1000])
        assertTensor(a * row, shape: [2, 3], [10, 200, 3000, 40, 500, 6000])
        assertTensor(row - a, shape: [2, 3], [9, 98, 997, 6, 95, 994])
    }

    func testColumnAgainstRow() {
        let column = Tensor([1, 2], shape: [2, 1])
        let row = Tensor([10, 20, 30], shape: [1, 3])
        assertTensor(column + row, shape: [2, 3], [11, 21, 31, 12, 22, 32])
        assertTensor(row / column, shape: [2, 3], [10, 20, 30, 5, 10, 15])
    }

    func testGeneralBroadcastAgainstNaiveIndexing() {
        // [2, 1, 3] with [4, 1] → [2, 4, 3]: out[i, j, k] = a[i, 0, k] ∘ b[j, 0].
        let a = TestData.uniform([2, 1, 3], seed: 1, requiresGrad: false)
        let b = TestData.uniform([4, 1], seed: 2, low: 0.5, high: 2, requiresGrad: false)
        let pa = a.scalars, pb = b.scalars
        let ops: [(String, (Tensor, Tensor) -> Tensor, (Float, Float) -> Float)] = [
            ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }),
            ("*", { $0 * $1 }, { $0 * $1 }), ("/", { $0 / $1 }, { $0 / $1 }),
        ]
        for (name, op, scalarOp) in ops {
            var expected: [Float] = []
            for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { expected.append(scalarOp(pa[i * 3 + k], pb[j])) } } }
            let out = op(a, b)
            XCTAssertEqual(out.shape, [2, 4, 3], name)
            assertClose(out.scalars, expected, name)
            // And the other way round: b ∘ a.
            var reversed: [Float] = []
            for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { reversed.append(scalarOp(pb[j], pa[i * 3 + k])) } } }
            assertClose(op(b, a).scalars, reversed, "reversed \(name)")
        }
    }

    func testVectorKernelTailAgainstScalarLoop() {
        // 19 elements: two SIMD8 blocks and a tail of 3.
        let a = TestData.uniform([19], seed: 3, requiresGrad: false)
        let b = TestData.uniform([19], seed: 4, low: 0.5, high: 2, requiresGrad: false)
        let pa = a.scalars, pb = b.scalars
        assertClose((a + b).scalars, (0..<19).map { pa[$0] + pb[$0] })
        assertClose((a / b).scalars, (0..<19).map { pa[$0] / pb[$0] })
        assertClose((a * Tensor(scalar: 3)).scalars, pa.map { $0 * 3 })
        assertClose((a - Tensor(scalar: 3)).scalars, pa.map { $0 - 3 })
    }

    func testScalarOperators() {
        let x = Tensor([1, -2, 4])
        assertTensor(x + 1, shape: [3], [2, -1, 5])
        assertTensor(x - 1, shape: [3], [0, -3, 3])
        assertTensor(x * 3, shape: [3], [3, -6, 12])
        assertTensor(3 * x, shape: [3], [3, -6, 12])
        assertTensor(x / 4, shape: [3], [0.25, -0.5, 1])
        assertTensor(-x, shape: [3], [-1, 2, -4])
        assertTensor(x.affine(scale: 2, shift: -1), shape: [3], [1, -5, 7])
        assertTensor(x.squared(), shape: [3], [1, 4, 16])
    }

    func testSqrtExpLog() {
        assertTensor(Tensor([4, 9, 2, 0]).sqrt(), shape: [4], [2, 3, 1.414_213_5, 0])
        assertTensor(Tensor([1, Float(M_E), 0.5]).log(), shape: [3], [0, 1, -0.693_147_2])
        let x: [Float] = [0, 1, -1, 10, -10, 0.5, 3.25, -20, 50, 80, -80]
        let y = Tensor(x).exp().scalars
        XCTAssertEqual(y[0], 1)
        for (i, v) in x.enumerated() {
            let expected = Foundation.exp(Double(v))
            XCTAssertEqual(Double(y[i]), expected, accuracy: expected * 5e-7, "exp(\(v))")
        }
    }

    func testOutputsOfOpsOnLeavesWithoutGradientRecordNothing() {
        let a = Tensor([1, 2]), b = Tensor([3, 4])
        let c = a * b
        XCTAssertNil(c.gradFn)
        XCTAssertFalse(c.requiresGrad)
    }
}
