import XCTest
@testable import Autograd

/// `conv1dReLU(channelMajor:)` is relu(conv1d + residual) composed of the separate ops (with the
/// im2col convolution, so the check also covers the fused Winograd epilogue and its backward).
final class FusedConvolutionReLUTests: XCTestCase {
    struct Results: Equatable {
        var y: [Float], dx: [Float], dw: [Float], db: [Float], dr: [Float]
    }

    /// Forward and backward of `f` on fresh inputs; `residual` chooses none, a separate tensor,
    /// or x itself (the identity shortcut of conv2 in a block whose input is also conv1's).
    func run(channels: Int, outChannels: Int, length: Int, kernel: Int, padding: Int, residual: String,
             fused: Bool) -> Results {
        let x = TestData.uniform([channels, 3, length], seed: 1)
        let w = TestData.uniform([outChannels, channels, kernel], seed: 2)
        let b = TestData.uniform([outChannels], seed: 3)
        let separate = TestData.uniform([outChannels, 3, length + 2 * padding - kernel + 1], seed: 4)
        let r: Tensor? = residual == "none" ? nil : residual == "x" ? x : separate
        let y: Tensor
        if fused {
            y = conv1dReLU(channelMajor: x, weight: w, bias: b, padding: padding, residual: r)
        } else {
            let c = im2colConv1d(channelMajor: x, weight: w, bias: b, padding: padding)
            y = (r.map { c + $0 } ?? c).relu()
        }
        // Every input already holds a gradient, which backward must add to.
        for t in [x, w, b, separate] { (t * 2).sum().backward() }
        y.backward(gradient: TestData.uniform(y.shape, seed: 5, requiresGrad: false))
        return Results(y: y.scalars, dx: x.grad?.scalars ?? [], dw: w.grad?.scalars ?? [], db: b.grad?.scalars ?? [],
                       dr: residual == "separate" ? separate.grad?.scalars ?? [] : [])
    }

    func testMatchesTheComposedOps() {
        let shapes = [(3, 3, 8, 3, 1), (4, 4, 7, 3, 1), (3, 3, 6, 1, 0), (2, 2, 1, 3, 1), (3, 2, 9, 3, 0), (2, 3, 5, 3, 2)]
        for (channels, outChannels, length, kernel, padding) in shapes {
            // x can be the residual only where the output has its shape.
            let sameShape = channels == outChannels && 2 * padding == kernel - 1
            for residual in ["none", "separate"] + (sameShape ? ["x"] : []) {
                let label = "C=\(channels) O=\(outChannels) L=\(length) k=\(kernel) p=\(padding) residual=\(residual)"
                let fused = run(channels: channels, outChannels: outChannels, length: length, kernel: kernel,
                                padding: padding, residual: residual, fused: true)
                let composed = run(channels: channels, outChannels: outChannels, length: length, kernel: kernel,
                                   padding: padding, residual: residual, fused: false)
                // Winograd against im2col: a few ulp of values of order 1 (see
                // WinogradConvolutionTests for the bound), far below these tolerances.
                assertClose(fused.y, composed.y, absolute: 1e-5, relative: 1e-5, "y \(label)")
                assertClose(fused.dx, composed.dx, absolute: 1e-5, relative: 1e-5, "dx \(label)")
                assertClose(fused.dw, composed.dw, absolute: 1e-5, relative: 1e-5, "dW \(label)")
                assertClose(fused.db, composed.db, absolute: 1e-5, relative: 1e-5, "db \(label)")
                assertClose(fused.dr, composed.dr, absolute: 1e-5, relative: 1e-5, "d residual \(label)")
                XCTAssertTrue(fused.y.contains(0) && fused.y.contains { $0 > 0 }, "the ReLU clips some. \(label)")
            }
        }
    }

    func testThreeTapKernelsFuseIntoOneOp() {
        let x = TestData.uniform([2, 2, 5], seed: 6)
        let w = TestData.uniform([2, 2, 3], seed: 7)
        let y = conv1dReLU(channelMajor: x, weight: w, bias: nil, padding: 1, residual: x)
        XCTAssertEqual(y.gradFn?.name, "conv1dReLU(channelMajor, Winograd)")
        XCTAssertEqual(y.gradFn?.inputs.count, 3)
    }

    func testNaNPropagatesThroughTheFusedReLU() {
        let x = TestData.uniform([2, 1, 6], seed: 8)
        x.pointer[3] = .nan
        let w = TestData.uniform([2, 2, 3], seed: 9)
        let y = conv1dReLU(channelMajor: x, weight: w, bias: nil, padding: 1)
        // Position 3 feeds outputs 2…4 of both channels.
        for o in 0..<2 { for t in 2...4 { XCTAssertTrue(y.pointer[o * 6 + t].isNaN, "o=\(o) t=\(t)") } }
    }
}
