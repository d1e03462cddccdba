import XCTest
@testable import Autograd

/// `conv1d(channelMajor:)` is `conv1d` with the first two axes of its input and output swapped,
/// and the fast path of `permuted([1, 0, …])` is `permuted`.
final class ChannelMajorConvolutionTests: XCTestCase {
    let checker = GradientChecker()

    /// The [N, C, L] tensor `x` as [C, N, L], computed elementwise (not by the op under test).
    func swapped(_ x: Tensor) -> [Float] {
        let a = x.shape[0], b = x.shape[1], run = x.count / (a * b)
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<a { for j in 0..<b { for t in 0..<run { out[(j * a + i) * run + t] = x.pointer[(i * b + j) * run + t] } } }
        return out
    }

    func testForwardAndGradientsMatchTheBatchMajorConvolution() {
        for k in [1, 3, 5] {
            for padding in [0, 1, 2] {
                let label = "k=\(k) padding=\(padding)"
                let seed = UInt64(10 * k + padding)
                let x = TestData.uniform([3, 2, 7], seed: seed)
                let xT = Tensor(swapped(x), shape: [2, 3, 7], requiresGrad: true)
                let w = TestData.uniform([4, 2, k], seed: seed + 100)
                let b = TestData.uniform([4], seed: seed + 200)
                let wT = Tensor(w.scalars, shape: w.shape, requiresGrad: true)
                let bT = Tensor(b.scalars, shape: b.shape, requiresGrad: true)
                let y = conv1d(x, weight: w, bias: b, padding: padding)
                let yT = conv1d(channelMajor: xT, weight: wT, bias: bT, padding: padding)
                XCTAssertEqual(yT.shape, [4, 3, y.shape[2]], label)
                assertClose(yT.scalars, swapped(y), absolute: 1e-5, label)

                let r = TestData.uniform(y.shape, seed: seed + 300, requiresGrad: false)
                y.backward(gradient: r)
                yT.backward(gradient: Tensor(swapped(r), shape: yT.shape))
                assertClose(xT.grad?.scalars ?? [], x.grad.map(swapped) ?? [1], absolute: 1e-5, "dx \(label)")
                assertClose(wT.grad?.scalars ?? [], w.grad?.scalars ?? [1], absolute: 1e-5, "dW \(label)")
                assertClose(bT.grad?.scalars ?? [], b.grad?.scalars ?? [1], absolute: 1e-5, "db \(label)")
            }
        }
    }

    func testGradientsByFiniteDifferences() {
        let x = TestData.uniform([2, 3, 6], seed: 41)
        let w = TestData.uniform([3, 2, 3], seed: 42)
        let b = TestData.uniform([3], seed: 43)
        checker.check([x, w, b]) { conv1d(channelMajor: x, weight: w, bias: b, padding: 1) }
    }

    func testInputGradientAccumulatesWhenTheInputIsUsedTwice() {
        // x feeds the convolution and a sum: its gradient must be the sum of both paths.
        let x = TestData.uniform([2, 3, 5], seed: 44)
        let w = TestData.uniform([2, 2, 3], seed: 45)
        checker.check([x, w]) { conv1d(channelMajor: x, weight: w, bias: nil, padding: 1) + x }
    }

    func testSwappingLeadingAxesMatchesTheGeneralPermute() {
        let x = TestData.uniform([4, 3, 5], seed: 46)
        let y = x.permuted([1, 0, 2])
        XCTAssertEqual(y.shape, [3, 4, 5])
        XCTAssertEqual(y.scalars, swapped(x))
        checker.check([x]) { x.permuted([1, 0, 2]) }
        checker.check([x]) { x.permuted([1, 0, 2]) * x.permuted([1, 0, 2]) }
    }
}
