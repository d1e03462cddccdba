/// A 3-tap, stride-1 convolution on channel-major data by Winograd's F(2,3)
/// (``Winograd23``): each of its three passes is four matrix products with 2/3 of the im2col
/// product's columns, so 2/3 of its flops. The seed's ResNet spends most of a training step in
/// these products, which is why this exists; ``conv1d(channelMajor:weight:bias:padding:)``
/// takes this path for every 3-tap kernel and keeps im2col for the others.
///
/// The three passes, with U_ξ = G·W (four [O, C] matrices) and tiles of two outputs:
///
/// - forward: V_ξ = Bᵀ·(input windows), M_ξ = U_ξ·V_ξ, y = Aᵀ·M + bias.
/// - input gradient: dx is the correlation of dy with the kernel reversed (as for
///   ``ConvolutionPatches/backward(channels:batch:length:outputLength:kernel:padding:)``),
///   windows starting at 2t + padding − 2. Reversing the taps maps G·w to the same four
///   points with the first and last swapped, so the forward's U serves, transposed in the
///   product: M'_ξ = U_σ(ξ)ᵀ·V'_ξ with σ = (3, 1, 2, 0).
/// - weight gradient: differentiating the F(2,3) identity by the taps gives F(3,2),
///   dW = Gᵀ·Σ_tiles (A·dy) ⊙ (Bᵀ·x): four products P_ξ = Z_ξ·V_ξᵀ over all tiles, with the
///   forward's V.
///
/// The forward keeps U and V for backward (V is twice the input: 4 values per 2 positions)
/// rather than transforming the input again.
struct WinogradConvolution {
    let geometry: ConvolutionGeometry

    /// Whether F(2,3) computes this convolution: any 3-tap kernel. (Stride and dilation are
    /// always 1 here; padding only moves the windows, and windows reading outside the input
    /// read zeros whatever the padding.)
    static func applies(to geometry: ConvolutionGeometry) -> Bool { geometry.kernel == 3 }

    /// Tiles per sample over the output (forward and weight gradient).
    var outputTiles: Int { Winograd23.tiles(covering: geometry.outputLength) }
    /// Tiles per sample over the input (input gradient).
    var inputTiles: Int { Winograd23.tiles(covering: geometry.length) }

    /// U: the weight at the four transform points, 4 blocks of [O, C].
    func transformedWeight(_ weight: Tensor) -> TensorStorage {
        let count = geometry.outChannels * geometry.channels
        let u = TensorStorage(uninitializedCount: 4 * count)
        Winograd23.transformWeight(weight.pointer, count: count, into: u.base)
        return u
    }

    /// V: the channel-major input `[C, N, L]` at the four transform points, 4 blocks of
    /// [C, N·tiles].
    func transformedInput(_ x: UnsafePointer<Float>) -> TensorStorage {
        let g = geometry, rows = g.channels * g.batch
        let v = TensorStorage(uninitializedCount: 4 * rows * outputTiles)
        Winograd23.transformInput(x, rows: rows, length: g.length, tiles: outputTiles, offset: -g.padding, into: v.base)
        return v
    }

    /// y[O, N, L_out] = Aᵀ·(U_ξ·V_ξ) + bias.
    func forward(u: TensorStorage, v: TensorStorage, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        let g = geometry, columns = g.batch * outputTiles
        let o = g.outChannels, c = g.channels
        let m = TensorStorage(uninitializedCount: 4 * o * columns)
        for xi in 0..<4 {
            BLAS.gemm(m: o, n: columns, k: c, a: u.base + xi * o * c, lda: c, b: v.base + xi * c * columns,
                      ldb: columns, c: m.base + xi * o * columns, ldc: columns)
        }
        Winograd23.transformOutput(m.base, rows: o * g.batch, length: g.outputLength, tiles: outputTiles,
                                   bias: bias, rowsPerBias: g.batch, into: y, accumulate: false)
        withExtendedLifetime((u, v, m)) {}
    }

    /// dW[O, C, 3] (+)= Gᵀ·(Z_ξ·V_ξᵀ), Z the output gradient `dy` [O, N, L_out] at the
    /// transform points.
    func weightGradient(dy: UnsafePointer<Float>, v: TensorStorage, into dw: UnsafeMutablePointer<Float>,
                        accumulate: Bool) {
        let g = geometry, columns = g.batch * outputTiles
        let o = g.outChannels, c = g.channels
        let z = TensorStorage(uninitializedCount: 4 * o * columns)
        Winograd23.transformOutputGradient(dy, rows: o * g.batch, length: g.outputLength, tiles: outputTiles,
                                           into: z.base)
        let p = TensorStorage(uninitializedCount: 4 * o * c)
        for xi in 0..<4 {
            BLAS.gemm(transposeB: true, m: o, n: c, k: columns, a: z.base + xi * o * columns, lda: columns,
                      b: v.base + xi * c * columns, ldb: columns, c: p.base + xi * o * c, ldc: c)
        }
        Winograd23.untransformWeightGradient(p.base, count: o * c, into: dw, accumulate: accumulate)
        withExtendedLifetime((v, z, p)) {}
    }

    /// dx[C, N, L] (+)= Aᵀ·(U_σ(ξ)ᵀ·V'_ξ), V' the output gradient's windows at the transform
    /// points: the correlation of dy with the reversed kernel.
    func inputGradient(dy: UnsafePointer<Float>, u: TensorStorage, into dx: UnsafeMutablePointer<Float>,
                       accumulate: Bool) {
        let g = geometry, columns = g.batch * inputTiles
        let o = g.outChannels, c = g.channels
        let v = TensorStorage(uninitializedCount: 4 * o * columns)
        Winograd23.transformInput(dy, rows: o * g.batch, length: g.outputLength, tiles: inputTiles,
                                  offset: g.padding - 2, into: v.base)
        let m = TensorStorage(uninitializedCount: 4 * c * columns)
        for xi in 0..<4 {
            // Reversing the taps swaps the first and last transform points (G's rows 0 and 3
            // are each other's mirror; rows 1 and 2 are symmetric).
            let point = xi == 0 ? 3 : xi == 3 ? 0 : xi
            BLAS.gemm(transposeA: true, m: c, n: columns, k: o, a: u.base + point * o * c, lda: c,
                      b: v.base + xi * o * columns, ldb: columns, c: m.base + xi * c * columns, ldc: columns)
        }
        Winograd23.transformOutput(m.base, rows: c * g.batch, length: g.length, tiles: inputTiles, bias: nil,
                                   rowsPerBias: 1, into: dx, accumulate: accumulate)
        withExtendedLifetime((u, v, m)) {}
    }
}

/// ``conv1d(channelMajor:weight:bias:padding:)`` by Winograd F(2,3); only for 3-tap kernels
/// (``WinogradConvolution/applies(to:)``). Internal so that tests can compare it with
/// ``im2colConv1d(channelMajor:weight:bias:padding:)``.
func winogradConv1d(channelMajor x: Tensor, weight: Tensor, bias: Tensor?, padding: Int) -> Tensor {
    precondition(x.rank == 3, "conv1d: channel-major input \(x.shape) is not [C, N, L]")
    let geometry = ConvolutionGeometry(batch: x.shape[1], channels: x.shape[0], length: x.shape[2], weight: weight,
                                       bias: bias, padding: padding)
    precondition(WinogradConvolution.applies(to: geometry), "conv1d: Winograd F(2,3) needs 3 taps, not \(weight.shape)")
    let winograd = WinogradConvolution(geometry: geometry)
    let u = winograd.transformedWeight(weight)
    let v = winograd.transformedInput(x.pointer)
    let out = Tensor(uninitialized: [geometry.outChannels, geometry.batch, geometry.outputLength])
    winograd.forward(u: u, v: v, bias: bias?.pointer, into: out.pointer)

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording("conv1d(channelMajor, Winograd)", inputs) { g, _ in
        weight.accumulateGradient { dst, acc in
            winograd.weightGradient(dy: g.pointer, v: v, into: dst, accumulate: acc)
        }
        if let bias, bias.requiresGrad {
            bias.accumulateGradient { dst, acc in
                sumRows(g.pointer, rows: geometry.outChannels, count: geometry.outputColumns, into: dst, accumulate: acc)
            }
        }
        x.accumulateGradient { dst, acc in
            winograd.inputGradient(dy: g.pointer, u: u, into: dst, accumulate: acc)
        }
    }
}
