import XCTest
@testable import Autograd

/// Finite-difference checks of matmul, linear and conv1d: the ops whose index bookkeeping
/// (transposes, im2col) is easiest to get subtly wrong.
final class LinearAlgebraGradientTests: XCTestCase {
    let checker = GradientChecker()

    func testMatmul() {
        // Every dimension different, so any transposed index changes the result.
        let a = TestData.uniform([3, 4], seed: 1)
        let b = TestData.uniform([4, 2], seed: 2)
        checker.check([a, b]) { a.matmul(b) }
    }

    func testMatmulWithItself() {
        let a = TestData.uniform([3, 3], seed: 3)
        checker.check([a]) { a.matmul(a) }
    }

    func testLinearWithBias() {
        let x = TestData.uniform([5, 4], seed: 4)
        let w = TestData.uniform([3, 4], seed: 5)
        let b = TestData.uniform([3], seed: 6)
        checker.check([x, w, b]) { linear(x, weight: w, bias: b) }
    }

    func testLinearWithoutBias() {
        let x = TestData.uniform([2, 6], seed: 7)
        let w = TestData.uniform([3, 6], seed: 8)
        checker.check([x, w]) { linear(x, weight: w, bias: nil) }
    }

    func testLinearWithFrozenInputs() {
        // Only the weight requires a gradient: the input and bias paths must skip cleanly.
        let x = TestData.uniform([4, 3], seed: 9, requiresGrad: false)
        let w = TestData.uniform([2, 3], seed: 10)
        let b = TestData.uniform([2], seed: 11, requiresGrad: false)
        checker.check([w]) { linear(x, weight: w, bias: b) }
        XCTAssertNil(x.grad)
        XCTAssertNil(b.grad)
    }

    func testConv1dOverKernelSizesAndPaddings() {
        for k in [1, 3, 5] {
            for padding in [0, 1, 2] {
                for withBias in [true, false] {
                    // Batch 2 and 2 input channels, 3 output channels, length 7.
                    let seed = UInt64(100 * k + 10 * padding + (withBias ? 1 : 0))
                    let x = TestData.uniform([2, 2, 7], seed: seed)
                    let w = TestData.uniform([3, 2, k], seed: seed + 1000)
                    let b = withBias ? TestData.uniform([3], seed: seed + 2000) : nil
                    checker.check([x, w] + (b.map { [$0] } ?? []),
                                  label: "conv1d k=\(k) padding=\(padding) bias=\(withBias)") {
                        conv1d(x, weight: w, bias: b, padding: padding)
                    }
                }
            }
        }
    }

    func testConv1dSingleChannelAndFrozenWeight() {
        let x = TestData.uniform([3, 1, 5], seed: 20)
        let w = TestData.uniform([2, 1, 3], seed: 21, requiresGrad: false)
        let b = TestData.uniform([2], seed: 22)
        checker.check([x, b]) { conv1d(x, weight: w, bias: b, padding: 1) }
        XCTAssertNil(w.grad)
    }
}
