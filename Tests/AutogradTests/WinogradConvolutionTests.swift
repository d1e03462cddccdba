import XCTest
@testable import Autograd

/// The Winograd path of `conv1d(channelMajor:)` (F(2,3) for y and dx, the shifted products for
/// dW) against the im2col path it replaces for 3-tap kernels, per element, with a tolerance
/// from the magnitudes of the terms each output sums.
///
/// ## The tolerance
///
/// Each output (of y, dx or dW) is a sum of n Float products, n = 3·C, 3·O or 3·N·L_out. Write
/// S for the sum of their magnitudes, Σ|w|·|x| (computed in Double, with the same indices as
/// the output). Any Float evaluation of such a sum — im2col's dot product in whatever order
/// OpenBLAS takes it, or F(2,3)'s transformed sums — lands within a few ε·√n·S of the exact
/// value for independent rounding errors (ε = 2⁻²⁴), and F(2,3)'s transforms only add sums of
/// two or three inputs (exact constants 1 and 1/2) before the products, so a few more
/// roundings of the same size. The check is |winograd − im2col| ≤ 4·ε·√n·S + 1e-30 per
/// element, which at the seed's 64 channels is ≈ 3e-6·S: the "about 1e-6 relative" the engine
/// promises, on the scale that governs rounding, and still usable for outputs that cancel to
/// near zero (where a plain relative error would be meaningless).
///
/// What it catches: a wrong transform constant, a swapped transform point or an off-by-one
/// window changes outputs by a good fraction of S; `testAPerturbedWeightFailsTheComparison`
/// shows that a change of one weight by 1e-3 of its size already fails it.
final class WinogradConvolutionTests: XCTestCase {
    let checker = GradientChecker()

    /// One convolution problem; `dy` is the output gradient fed to backward.
    struct Case: CustomStringConvertible {
        var channels: Int, batch: Int, length: Int, outChannels: Int, padding: Int, bias: Bool
        var seed: UInt64
        var outputLength: Int { length + 2 * padding - 2 }
        var description: String { "C=\(channels) N=\(batch) L=\(length) O=\(outChannels) p=\(padding) bias=\(bias)" }
    }

    static let cases: [Case] = [
        Case(channels: 3, batch: 2, length: 7, outChannels: 4, padding: 1, bias: true, seed: 1),
        Case(channels: 3, batch: 2, length: 8, outChannels: 4, padding: 1, bias: false, seed: 2),
        Case(channels: 2, batch: 3, length: 1, outChannels: 3, padding: 1, bias: true, seed: 3),
        Case(channels: 2, batch: 3, length: 2, outChannels: 3, padding: 1, bias: false, seed: 4),
        Case(channels: 5, batch: 1, length: 10, outChannels: 6, padding: 1, bias: true, seed: 5),
        Case(channels: 4, batch: 2, length: 9, outChannels: 2, padding: 0, bias: true, seed: 6),
        Case(channels: 4, batch: 2, length: 3, outChannels: 2, padding: 0, bias: false, seed: 7),
        Case(channels: 3, batch: 2, length: 6, outChannels: 3, padding: 2, bias: true, seed: 8),
        Case(channels: 3, batch: 2, length: 5, outChannels: 3, padding: 3, bias: false, seed: 9),
        Case(channels: 16, batch: 4, length: 10, outChannels: 16, padding: 1, bias: true, seed: 10),
        Case(channels: 64, batch: 3, length: 10, outChannels: 64, padding: 1, bias: true, seed: 11),
        // Several chunks of samples (see `WinogradConvolution.chunkColumns`), the last one short.
        Case(channels: 3, batch: 60, length: 10, outChannels: 5, padding: 1, bias: true, seed: 12),
        Case(channels: 4, batch: 70, length: 7, outChannels: 3, padding: 1, bias: false, seed: 13),
        Case(channels: 2, batch: 45, length: 12, outChannels: 2, padding: 2, bias: true, seed: 14),
        // One run of four tiles: too short for the vector loads of the first group.
        Case(channels: 2, batch: 1, length: 8, outChannels: 3, padding: 1, bias: true, seed: 15),
    ]

    /// The outputs and gradients of one path.
    struct Results {
        var y: [Float], dx: [Float], dw: [Float], db: [Float]
    }

    typealias Convolution = @Sendable (Tensor, Tensor, Tensor?, Int) -> Tensor

    static let winograd: Convolution = { winogradConv1d(channelMajor: $0, weight: $1, bias: $2, padding: $3) }
    static let im2col: Convolution = { im2colConv1d(channelMajor: $0, weight: $1, bias: $2, padding: $3) }

    func inputs(_ c: Case) -> (x: Tensor, w: Tensor, b: Tensor?, dy: Tensor) {
        let x = TestData.uniform([c.channels, c.batch, c.length], seed: c.seed)
        let w = TestData.uniform([c.outChannels, c.channels, 3], seed: c.seed + 100)
        let b = c.bias ? TestData.uniform([c.outChannels], seed: c.seed + 200) : nil
        let dy = TestData.uniform([c.outChannels, c.batch, c.outputLength], seed: c.seed + 300, requiresGrad: false)
        return (x, w, b, dy)
    }

    /// Forward and backward of `convolution` on fresh copies of `c`'s inputs (`w` replaces the
    /// weight when given).
    func run(_ convolution: Convolution, _ c: Case, weight: [Float]? = nil) -> Results {
        let (x, w0, b, dy) = inputs(c)
        let w = Tensor(weight ?? w0.scalars, shape: w0.shape, requiresGrad: true)
        let y = convolution(x, w, b, c.padding)
        XCTAssertEqual(y.shape, [c.outChannels, c.batch, c.outputLength], "\(c)")
        y.backward(gradient: dy)
        return Results(y: y.scalars, dx: x.grad?.scalars ?? [], dw: w.grad?.scalars ?? [], db: b?.grad?.scalars ?? [])
    }

    /// Σ|terms| of every output of y, dx and dW: the rounding scale of the tolerance.
    func magnitudes(_ c: Case) -> Results {
        let (x, w, b, dy) = inputs(c)
        let o = c.outChannels, ch = c.channels, n = c.batch, l = c.length, lOut = c.outputLength
        var y = [Double](repeating: 0, count: o * n * lOut), dx = [Double](repeating: 0, count: ch * n * l)
        var dw = [Double](repeating: 0, count: o * ch * 3)
        for oc in 0..<o { for s in 0..<n { for t in 0..<lOut {
            let out = (oc * n + s) * lOut + t
            y[out] = Double(abs(b?.pointer[oc] ?? 0))
            let gv = Double(abs(dy.pointer[out]))
            for cc in 0..<ch { for k in 0..<3 {
                let u = t + k - c.padding
                guard u >= 0 && u < l else { continue }
                let xv = Double(abs(x.pointer[(cc * n + s) * l + u])), wv = Double(abs(w.pointer[(oc * ch + cc) * 3 + k]))
                y[out] += xv * wv
                dx[(cc * n + s) * l + u] += wv * gv
                dw[(oc * ch + cc) * 3 + k] += xv * gv
            } }
        } } }
        func floats(_ v: [Double]) -> [Float] { v.map { Float($0) } }
        return Results(y: floats(y), dx: floats(dx), dw: floats(dw), db: [])
    }

    /// The largest |actual − expected| / tolerance (see the type's documentation); ≤ 1 passes.
    func worstRatio(_ actual: [Float], _ expected: [Float], scale: [Float], terms: Int) -> Double {
        XCTAssertEqual(actual.count, expected.count)
        let epsilon = Double(Float.ulpOfOne) / 2
        var worst = 0.0
        for i in 0..<min(actual.count, expected.count) {
            let tolerance = 4 * epsilon * Double(terms).squareRoot() * Double(scale[i]) + 1e-30
            worst = max(worst, Double(abs(actual[i] - expected[i])) / tolerance)
        }
        return worst
    }

    /// The worst ratio over y, dx and dW of `c`, Winograd against im2col.
    func worstRatio(_ c: Case, winogradWeight: [Float]? = nil) -> Double {
        let fast = run(Self.winograd, c, weight: winogradWeight), reference = run(Self.im2col, c)
        let scale = magnitudes(c)
        // db: row sums on both paths, chunk by chunk on this one; both add Float lanes in Double.
        assertClose(fast.db, reference.db, absolute: 0, relative: 1e-6, "db. \(c)")
        return max(worstRatio(fast.y, reference.y, scale: scale.y, terms: 3 * c.channels),
                   worstRatio(fast.dx, reference.dx, scale: scale.dx, terms: 3 * c.outChannels),
                   worstRatio(fast.dw, reference.dw, scale: scale.dw, terms: 3 * c.batch * c.outputLength))
    }

    func testForwardAndGradientsMatchIm2col() {
        for c in Self.cases {
            let ratio = worstRatio(c)
            XCTAssertLessThanOrEqual(ratio, 1, "\(c)")
        }
    }

    func testAPerturbedWeightFailsTheComparison() {
        // The comparison must be able to fail: one weight changed by 1e-3 of its value.
        let c = Self.cases[9]
        var w = inputs(c).w.scalars
        w[7] *= 1 + 1e-3
        XCTAssertGreaterThan(worstRatio(c, winogradWeight: w), 1)
    }

    func testAtTheSeedsWidthTheWorstErrorIsBelowOneMillionthOfTheLargestValue() {
        let tolerance: Float = 1e-6
        // At the seed's width, the worst error relative to each tensor's largest value: the
        // figure the engine quotes.
        let c = Self.cases[10]
        let fast = run(Self.winograd, c), reference = run(Self.im2col, c)
        for (name, a, e) in [("y", fast.y, reference.y), ("dx", fast.dx, reference.dx), ("dW", fast.dw, reference.dw)] {
            let largest = e.map(abs).max() ?? 0
            let worst = zip(a, e).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, tolerance * largest, name)
        }
    }

    func testAccumulatesIntoExistingGradients() {
        // x and w each feed two convolutions, and x a sum as well: every gradient is written
        // once, then accumulated onto.
        func graph(_ convolution: Convolution) -> Results {
            let x = TestData.uniform([3, 2, 7], seed: 21)
            let w = TestData.uniform([3, 3, 3], seed: 22)
            let b = TestData.uniform([3], seed: 23)
            let y = convolution(convolution(x, w, b, 1), w, b, 1) + convolution(x, w, nil, 1) * x
            y.backward(gradient: TestData.uniform(y.shape, seed: 24, requiresGrad: false))
            return Results(y: y.scalars, dx: x.grad!.scalars, dw: w.grad!.scalars, db: b.grad!.scalars)
        }
        let fast = graph(Self.winograd), reference = graph(Self.im2col)
        assertClose(fast.y, reference.y, absolute: 1e-5, relative: 1e-5, "y")
        assertClose(fast.dx, reference.dx, absolute: 1e-5, relative: 1e-5, "dx")
        assertClose(fast.dw, reference.dw, absolute: 1e-5, relative: 1e-5, "dW")
        assertClose(fast.db, reference.db, absolute: 1e-5, relative: 1e-5, "db")
    }

    func testGradientsByFiniteDifferences() {
        for (length, padding) in [(7, 1), (6, 1), (2, 1), (5, 0), (4, 2)] {
            let x = TestData.uniform([2, 2, length], seed: UInt64(30 + length))
            let w = TestData.uniform([3, 2, 3], seed: UInt64(40 + padding))
            let b = TestData.uniform([3], seed: 50)
            checker.check([x, w, b], label: "L=\(length) p=\(padding)") {
                winogradConv1d(channelMajor: x, weight: w, bias: b, padding: padding)
            }
        }
    }

    func testThreeTapKernelsTakeTheWinogradPath() {
        let x = TestData.uniform([2, 2, 5], seed: 60)
        for k in [1, 2, 3, 5] {
            let w = TestData.uniform([2, 2, k], seed: 61)
            let name = conv1d(channelMajor: x, weight: w, bias: nil, padding: 1).gradFn?.name ?? ""
            XCTAssertEqual(name.contains("Winograd"), k == 3, "k=\(k): \(name)")
        }
    }
}
