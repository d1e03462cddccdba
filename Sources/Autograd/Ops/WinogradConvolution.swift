/// A 3-tap, stride-1 convolution on channel-major data with Winograd's F(2,3)
/// (``Winograd23``) for the forward pass and the input gradient: each is four matrix products
/// with 2/3 of the im2col product's columns, so 2/3 of its flops. The seed's ResNet spends most
/// of a training step in these products, which is why this exists;
/// ``conv1d(channelMajor:weight:bias:padding:)`` takes this path for every 3-tap kernel and
/// keeps im2col for the others.
///
/// With U_ξ = G·W (four [O, C] matrices) and tiles of two outputs:
///
/// - forward: V_ξ = Bᵀ·(input windows), M_ξ = U_ξ·V_ξ, y = Aᵀ·M + bias.
/// - input gradient: dx is the correlation of dy with the kernel reversed (as for
///   ``ConvolutionPatches/backward(channels:batch:length:outputLength:kernel:padding:)``),
///   windows starting at 2t + padding − 2. Reversing the taps maps G·w to the same four
///   points with the first and last swapped, so the forward's U serves, transposed in the
///   product: M'_ξ = U_σ(ξ)ᵀ·V'_ξ with σ = (3, 1, 2, 0).
/// - weight gradient: not by Winograd (F(3,2) would do it in 4/6 of the flops too, but its
///   rounding is too coarse for Adam; see ``ShiftedWeightGradient``), by im2col's products.
///
/// Each pass runs over chunks of samples, about ``chunkColumns`` tiles each: a chunk's
/// transformed values (4 per 2 positions, twice the data they come from) are written, multiplied
/// and read back while they are still in the core's cache, instead of going out to memory and
/// back for the whole batch at once. That makes the transforms several times cheaper and lets
/// the products run at their in-cache rate. (Backward's chunks are sized for the weight
/// gradient's products instead, see ``backwardChunks``.)
///
/// The forward can end in a residual sum and a ReLU (``conv1dReLU(channelMajor:weight:bias:padding:residual:)``),
/// applied as the output transform writes each value; backward then masks the gradient as it
/// copies each chunk (see ``backward(g:reluOutput:x:u:into:)``).
struct WinogradConvolution {
    let geometry: ConvolutionGeometry

    /// Whether F(2,3) computes this convolution: any 3-tap kernel. (Stride and dilation are
    /// always 1 here; padding only moves the windows, and windows reading outside the input
    /// read zeros whatever the padding.)
    static func applies(to geometry: ConvolutionGeometry) -> Bool { geometry.kernel == 3 }

    /// The columns (tiles) of one chunk's products, roughly: with 64 channels a chunk's four
    /// transformed blocks are 128 KiB, and its products are as fast as whole-batch ones
    /// (OpenBLAS reaches its full rate from about 100 columns).
    static let chunkColumns = 128

    /// Tiles per sample over the output (forward and weight gradient).
    var outputTiles: Int { Winograd23.tiles(covering: geometry.outputLength) }
    /// Tiles per sample over the input (input gradient).
    var inputTiles: Int { Winograd23.tiles(covering: geometry.length) }
    /// Samples per chunk.
    var chunkSamples: Int { max(1, min(geometry.batch, Self.chunkColumns / max(outputTiles, inputTiles))) }

    /// The chunks of samples, in order.
    var chunks: [Range<Int>] { Self.split(geometry.batch, by: chunkSamples) }

    /// Backward's chunks: at most ``ShiftedWeightGradient/columnLimit(_:)`` output positions
    /// each (and no more than the forward's), as even as the batch allows.
    var backwardChunks: [Range<Int>] {
        let positions = min(2 * Self.chunkColumns, ShiftedWeightGradient.columnLimit(geometry))
        let most = max(1, min(geometry.batch, positions / geometry.outputLength))
        let count = (geometry.batch + most - 1) / most
        return Self.split(geometry.batch, by: (geometry.batch + count - 1) / count)
    }

    private static func split(_ batch: Int, by size: Int) -> [Range<Int>] {
        stride(from: 0, to: batch, by: size).map { $0..<min($0 + size, batch) }
    }

    /// U: the weight at the four transform points, 4 blocks of [O, C].
    func transformedWeight(_ weight: Tensor) -> TensorStorage {
        let count = geometry.outChannels * geometry.channels
        let u = TensorStorage(uninitializedCount: 4 * count)
        Winograd23.transformWeight(weight.pointer, count: count, into: u.base)
        return u
    }

    /// Transforms `samples` of the channel-major `[channels, N, length]` source into four
    /// blocks of [channels, samples·tiles].
    func transformWindows(_ src: UnsafePointer<Float>, channels: Int, length: Int, tiles: Int, offset: Int,
                          samples: Range<Int>, into v: UnsafeMutablePointer<Float>) {
        Winograd23.transformInput(src + samples.lowerBound * length, channels: channels,
                                  channelStride: geometry.batch * length, rows: samples.count, length: length,
                                  tiles: tiles, offset: offset, into: v)
    }

    /// The inverse: four blocks of [channels, samples·tiles] into `samples` of the
    /// channel-major `[channels, N, length]` destination, plus `bias[c]` on channel c, plus
    /// `residual` (laid out like the destination), then ReLU when `relu`.
    func untransformTiles(_ m: UnsafePointer<Float>, channels: Int, length: Int, tiles: Int,
                          samples: Range<Int>, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil,
                          relu: Bool = false, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let start = samples.lowerBound * length
        Winograd23.transformOutput(m, channels: channels, rows: samples.count, length: length, tiles: tiles, bias: bias,
                                   residual: residual.map { $0 + start }, relu: relu, into: y + start,
                                   channelStride: geometry.batch * length, accumulate: accumulate)
    }

    /// y[O, N, L_out] = Aᵀ·(U_ξ·V_ξ) + bias, x channel-major `[C, N, L]`; with `residual`
    /// ([O, N, L_out]) and `relu`, y = relu(that + residual) (see ``conv1dReLU(channelMajor:weight:bias:padding:residual:)``).
    func forward(_ x: UnsafePointer<Float>, u: TensorStorage, bias: UnsafePointer<Float>?,
                 residual: UnsafePointer<Float>? = nil, relu: Bool = false, into y: UnsafeMutablePointer<Float>) {
        let g = geometry, o = g.outChannels, c = g.channels, tiles = outputTiles
        let v = TensorStorage(uninitializedCount: 4 * c * chunkSamples * tiles)
        let m = TensorStorage(uninitializedCount: 4 * o * chunkSamples * tiles)
        for samples in chunks {
            let columns = samples.count * tiles
            transformWindows(x, channels: c, length: g.length, tiles: tiles, offset: -g.padding, samples: samples,
                             into: v.base)
            for xi in 0..<4 {
                BLAS.gemm(m: o, n: columns, k: c, a: u.base + xi * o * c, lda: c, b: v.base + xi * c * columns,
                          ldb: columns, c: m.base + xi * o * columns, ldc: columns)
            }
            untransformTiles(m.base, channels: o, length: g.outputLength, tiles: tiles, samples: samples, bias: bias,
                             residual: residual, relu: relu, into: y, accumulate: false)
        }
        withExtendedLifetime((u, v, m)) {}
    }
}

/// ``conv1d(channelMajor:weight:bias:padding:)`` by Winograd F(2,3); only for 3-tap kernels
/// (``WinogradConvolution/applies(to:)``). Internal so that tests can compare it with
/// ``im2colConv1d(channelMajor:weight:bias:padding:)``.
///
/// With `residual` and `relu` it is ``conv1dReLU(channelMajor:weight:bias:padding:residual:)``:
/// relu(conv + residual), the sum and the activation applied as the output leaves the
/// transform. Backward masks the output gradient, dz = g·[y > 0] (y > 0 exactly where the
/// activation's input is), chunk by chunk as it goes, and sends dz to the convolution's
/// gradients and to the residual.
func winogradConv1d(channelMajor x: Tensor, weight: Tensor, bias: Tensor?, padding: Int, residual: Tensor? = nil,
                    relu: Bool = false) -> Tensor {
    precondition(x.rank == 3, "conv1d: channel-major input \(x.shape) is not [C, N, L]")
    let geometry = ConvolutionGeometry(batch: x.shape[1], channels: x.shape[0], length: x.shape[2], weight: weight,
                                       bias: bias, padding: padding)
    precondition(WinogradConvolution.applies(to: geometry), "conv1d: Winograd F(2,3) needs 3 taps, not \(weight.shape)")
    let shape = [geometry.outChannels, geometry.batch, geometry.outputLength]
    if let residual { precondition(residual.shape == shape, "conv1d: residual \(residual.shape) for output \(shape)") }
    let winograd = WinogradConvolution(geometry: geometry)
    let u = winograd.transformedWeight(weight)
    let out = Tensor(uninitialized: shape)
    winograd.forward(x.pointer, u: u, bias: bias?.pointer, residual: residual?.pointer, relu: relu, into: out.pointer)

    let inputs = [x, weight] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
    return out.recording(relu ? "conv1dReLU(channelMajor, Winograd)" : "conv1d(channelMajor, Winograd)", inputs) { g, y in
        // Every gradient in one pass over the chunks, each chunk of the output gradient read
        // while in cache. A residual that is x itself gets its share added to x's gradient.
        let residualIsInput = residual === x
        withGradientDestination(weight) { dw in
            withGradientDestination(x) { dx in
                withGradientDestination(bias) { db in
                    withGradientDestination(residualIsInput ? nil : residual) { dr in
                        let targets = WinogradConvolution.Targets(
                            weight: dw, input: dx, bias: db,
                            residual: residualIsInput ? dx.map { ($0.pointer, true) } : dr)
                        winograd.backward(g: g.pointer, reluOutput: relu ? y.pointer : nil, x: x.pointer, u: u,
                                          into: targets)
                    }
                }
            }
        }
    }
}

/// Calls `body` with `t`'s gradient destination (see `Tensor.accumulateGradient(_:)`), or with
/// nil when `t` needs no gradient.
private func withGradientDestination(_ t: Tensor?, _ body: (WinogradConvolution.Destination?) -> Void) {
    if let t, t.requiresGrad {
        t.accumulateGradient { body(($0, $1)) }
    } else {
        body(nil)
    }
}
