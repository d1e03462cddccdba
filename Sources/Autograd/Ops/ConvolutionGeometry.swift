/// The shapes of one 1-D convolution and the three matrix products that compute it on
/// channel-major data: input `[C, N·L]`, output `[O, N·L_out]`.
///
/// Channel-major is what the products want: the batch and the positions together form the
/// long dimension (N·L = 1,000 for the seed's ResNet), so each pass is one sgemm over the whole
/// batch rather than a thin product per sample. ``conv1d(_:weight:bias:padding:)`` transposes
/// `[N, C, L]` data in and out; ``conv1d(channelMajor:weight:bias:padding:)`` takes and gives
/// channel-major tensors and needs no transposes at all.
struct ConvolutionGeometry {
    let batch: Int
    let channels: Int
    let length: Int
    let outChannels: Int
    let kernel: Int
    let padding: Int

    var outputLength: Int { length + 2 * padding - kernel + 1 }
    /// N·L: the columns of the channel-major input.
    var inputColumns: Int { batch * length }
    /// N·L_out: the columns of the channel-major output.
    var outputColumns: Int { batch * outputLength }

    /// Checks the operands (programmer errors trap, naming the shapes).
    init(batch: Int, channels: Int, length: Int, weight: Tensor, bias: Tensor?, padding: Int) {
        precondition(weight.rank == 3 && weight.shape[1] == channels,
                     "conv1d: \(channels) input channels with weight \(weight.shape)")
        precondition(padding >= 0, "conv1d: negative padding \(padding)")
        self.batch = batch
        self.channels = channels
        self.length = length
        self.outChannels = weight.shape[0]
        self.kernel = weight.shape[2]
        self.padding = padding
        precondition(outputLength > 0, "conv1d: kernel \(kernel) longer than padded input \(length + 2 * padding)")
        if let bias { precondition(bias.shape == [outChannels], "conv1d: bias \(bias.shape) for \(outChannels) channels") }
    }

    /// The input's patches, [K·C, N·L_out] (tap-major, see ``ConvolutionPatches``).
    var inputPatches: ConvolutionPatches {
        .forward(channels: channels, batch: batch, length: length, outputLength: outputLength, kernel: kernel,
                 padding: padding)
    }

    /// The output gradient's patches, [K·O, N·L], whose product with the weight is dx.
    var outputGradientPatches: ConvolutionPatches {
        .backward(channels: outChannels, batch: batch, length: length, outputLength: outputLength, kernel: kernel,
                  padding: padding)
    }

    /// Builds patches whose source `write` puts in place, channel-major: straight into the
    /// middle block when the length is kept (that block is the source itself), else into a
    /// scratch buffer.
    func makePatches(_ patches: ConvolutionPatches,
                     writingSource write: (UnsafeMutablePointer<Float>) -> Void) -> TensorStorage {
        let cols = TensorStorage(uninitializedCount: patches.count)
        if let center = patches.centerTap {
            let source = cols.base + center * patches.blockCount
            write(source)
            patches.fill(cols.base, from: source)
        } else {
            let scratch = TensorStorage(uninitializedCount: patches.blockCount / patches.length * patches.sourceLength)
            write(scratch.base)
            patches.fill(cols.base, from: scratch.base)
            withExtendedLifetime(scratch) {}
        }
        return cols
    }

    /// y[O, N·L_out] = W'[O, K·C] · cols, W' the weight in tap-major order, plus `bias[o]` on
    /// row o when given.
    func forward(cols: TensorStorage, weight: Tensor, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        let ck = channels * kernel, columns = outputColumns
        let tapMajor = kernel == 1 ? nil : TensorStorage(uninitializedCount: outChannels * ck)
        if let tapMajor { swapTrailingAxes(weight.pointer, into: tapMajor.base, p: outChannels, q: channels, r: kernel) }
        if let bias {
            // The product adds itself to the bias (beta 1): y = W'·cols + b, one pass over y.
            for o in 0..<outChannels { (y + o * columns).update(repeating: bias[o], count: columns) }
        }
        BLAS.gemm(m: outChannels, n: columns, k: ck, a: tapMajor?.base ?? weight.pointer, lda: ck,
                  b: cols.base, ldb: columns, beta: bias == nil ? 0 : 1, c: y, ldc: columns)
        withExtendedLifetime((cols, tapMajor)) {}
    }

    /// dW (+)= dY[O, N·L_out] · colsᵀ, computed in tap-major order and reordered into dW's
    /// [O, C, K] (for k = 1 the two are the same, and the product writes dW directly).
    func weightGradient(dy: UnsafePointer<Float>, cols: TensorStorage, into dst: UnsafeMutablePointer<Float>,
                        accumulate: Bool) {
        let ck = channels * kernel, columns = outputColumns
        if kernel == 1 {
            BLAS.gemm(transposeB: true, m: outChannels, n: ck, k: columns, a: dy, lda: columns, b: cols.base,
                      ldb: columns, beta: accumulate ? 1 : 0, c: dst, ldc: ck)
        } else {
            let tapMajor = TensorStorage(uninitializedCount: outChannels * ck)
            BLAS.gemm(transposeB: true, m: outChannels, n: ck, k: columns, a: dy, lda: columns, b: cols.base,
                      ldb: columns, c: tapMajor.base, ldc: ck)
            swapTrailingAxes(tapMajor.base, into: dst, p: outChannels, q: kernel, r: channels, accumulate: accumulate)
            withExtendedLifetime(tapMajor) {}
        }
        withExtendedLifetime(cols) {}
    }

    /// dxᵀ[C, N·L] (+)= W''[C, K·O] · dyPatches, W''[c, j, o] = W[o, c, j] (W as [O, C·K],
    /// transposed): the convolution of the output gradient with the kernel reversed.
    func inputGradient(dyPatches: TensorStorage, weight: Tensor, into dst: UnsafeMutablePointer<Float>,
                       accumulate: Bool) {
        let ck = channels * kernel, ko = kernel * outChannels
        let reordered = TensorStorage(uninitializedCount: outChannels * ck)
        swapTrailingAxes(weight.pointer, into: reordered.base, p: 1, q: outChannels, r: ck)
        BLAS.gemm(m: channels, n: inputColumns, k: ko, a: reordered.base, lda: ko, b: dyPatches.base,
                  ldb: inputColumns, beta: accumulate ? 1 : 0, c: dst, ldc: inputColumns)
        withExtendedLifetime((reordered, dyPatches)) {}
    }
}
