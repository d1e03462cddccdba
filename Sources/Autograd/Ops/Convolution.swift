/// One-dimensional convolution over N×C×L input, stride 1, zero padding, as im2col + sgemm.
///
/// Every pass is one sgemm over the whole batch, with the batch and the positions together as
/// the long dimension (N·L = 1,000 for the seed's ResNet): the sequences are only 10 long, and
/// a product per sample would leave BLAS with matrices too thin to run fast. That needs the
/// activations channel-major, `[C, N·L]`, so the input is transposed on the way in and the
/// product on the way out; the patches (``ConvolutionPatches``) are built from the transposed
/// input, and the bias is added in the outgoing transpose.
///
/// Backward computes dW from the output gradient and the input's patches, and dx as one more
/// product: the output gradient's own patches times the weight, a convolution with the kernel
/// reversed, rather than products into a patch-shaped buffer folded back by col2im.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor?, padding: Int = 0) -> Tensor {
    precondition(x.rank == 3 && weight.rank == 3 && x.shape[1] == weight.shape[1],
                 "conv1d: input \(x.shape) with weight \(weight.shape)")
    precondition(padding >= 0, "conv1d: negative padding \(padding)")
    let n = x.shape[0], c = x.shape[1], l = x.shape[2]
    let o = weight.shape[0], k = weight.shape[2]
    let lOut = l + 2 * padding - k + 1
    precondition(lOut > 0, "conv1d: kernel \(k) longer than padded input \(l + 2 * padding)")
    if let bias { precondition(bias.shape == [o], "conv1d: bias \(bias.shape) for \(o) channels") }
    let ck = c * k, columns = n * lOut

    let cols = forwardPatches(x, kernel: k, padding: padding)
    // Y[O, N·L_out] = W'[O, K·C] · cols, with W' the weight in tap-major order.
    let tapMajor = k == 1 ? nil : TensorStorage(uninitializedCount: o * ck)
    if let tapMajor { swapTrailingAxes(weight.pointer, into: tapMajor.base, p: o, q: c, r: k) }
    let y = TensorStorage(uninitializedCount: o * columns)
    BLAS.gemm(m: o, n: columns, k: ck, a: tapMajor?.base ?? weight.pointer, lda: ck, b: cols.base, ldb: columns,
              c: y.base, ldc: columns)
    let out = Tensor(uninitialized: [n, o, lOut])
    swapLeadingAxes(y.base, into: out.pointer, outer: o, inner: n, run: lOut, adding: bias?.pointer)
    // Raw pointers do not keep their storage alive; these must last until here.
    withExtendedLifetime((cols, tapMajor, y)) {}

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording("conv1d", inputs) { g, _ in
        conv1dBackward(g, x: x, weight: weight, bias: bias, padding: padding)
    }
}

/// The patches [K·C, N·L_out] of `x`, from x transposed to [C, N, L] (written straight into
/// the middle block when the length is kept, as that block is x itself).
///
/// Backward builds them again rather than keeping them: they are K times the size of x, which
/// the graph keeps anyway, and by the time backward needs them they would have left the
/// cache; rebuilding them into a buffer just freed is cheaper than reading them back from
/// memory (and the step's peak memory no longer holds every layer's patches).
private func forwardPatches(_ x: Tensor, kernel k: Int, padding: Int) -> TensorStorage {
    let n = x.shape[0], c = x.shape[1], l = x.shape[2]
    let patches = ConvolutionPatches.forward(channels: c, batch: n, length: l, outputLength: l + 2 * padding - k + 1,
                                             kernel: k, padding: padding)
    let cols = TensorStorage(uninitializedCount: patches.count)
    let separate = patches.centerTap == nil ? TensorStorage(uninitializedCount: n * c * l) : nil
    let transposed = separate?.base ?? cols.base + patches.centerTap! * patches.blockCount
    swapLeadingAxes(x.pointer, into: transposed, outer: n, inner: c, run: l)
    patches.fill(cols.base, from: transposed)
    withExtendedLifetime(separate) {}
    return cols
}

/// Sends the output gradient `g` [N, O, L_out] of ``conv1d(_:weight:bias:padding:)`` to its
/// input, weight and bias.
private func conv1dBackward(_ g: Tensor, x: Tensor, weight: Tensor, bias: Tensor?, padding: Int) {
    let n = x.shape[0], c = x.shape[1], l = x.shape[2]
    let o = weight.shape[0], k = weight.shape[2], lOut = g.shape[2]
    let ck = c * k, columns = n * lOut

    // dY [O, N·L_out], written straight into the middle block of dx's patches when it has one.
    let patches = ConvolutionPatches.backward(channels: o, batch: n, length: l, outputLength: lOut,
                                              kernel: k, padding: padding)
    let dyPatches = x.requiresGrad ? TensorStorage(uninitializedCount: patches.count) : nil
    let center = dyPatches.flatMap { p in patches.centerTap.map { p.base + $0 * patches.blockCount } }
    let separate = center == nil ? TensorStorage(uninitializedCount: o * columns) : nil
    // Raw pointers do not keep their storage alive; these must last until the end.
    defer { withExtendedLifetime((dyPatches, separate)) {} }
    let dy = center ?? separate!.base
    swapLeadingAxes(g.pointer, into: dy, outer: n, inner: o, run: lOut)

    weight.accumulateGradient { dst, acc in
        let cols = forwardPatches(x, kernel: k, padding: padding)
        defer { withExtendedLifetime(cols) {} }
        // dW'[O, K·C] = dY · colsᵀ, in tap-major order; for k = 1 that is dW's own layout.
        if k == 1 {
            BLAS.gemm(transposeB: true, m: o, n: ck, k: columns, a: dy, lda: columns, b: cols.base, ldb: columns,
                      beta: acc ? 1 : 0, c: dst, ldc: ck)
        } else {
            let tapMajor = TensorStorage(uninitializedCount: o * ck)
            BLAS.gemm(transposeB: true, m: o, n: ck, k: columns, a: dy, lda: columns, b: cols.base, ldb: columns,
                      c: tapMajor.base, ldc: ck)
            swapTrailingAxes(tapMajor.base, into: dst, p: o, q: k, r: c, accumulate: acc)
            withExtendedLifetime(tapMajor) {}
        }
    }
    if let bias, bias.requiresGrad {
        bias.accumulateGradient { dst, acc in sumRows(dy, rows: o, count: columns, into: dst, accumulate: acc) }
    }
    guard let dyPatches else { return }
    // dxᵀ[C, N·L] = W''[C, K·O] · patches(dY), W''[c, j, o] = W[o, c, j]: W as [O, C·K], transposed.
    patches.fill(dyPatches.base, from: dy)
    let reordered = TensorStorage(uninitializedCount: o * ck)
    swapTrailingAxes(weight.pointer, into: reordered.base, p: 1, q: o, r: ck)
    let dxT = TensorStorage(uninitializedCount: n * c * l)
    BLAS.gemm(m: c, n: n * l, k: k * o, a: reordered.base, lda: k * o, b: dyPatches.base, ldb: n * l,
              c: dxT.base, ldc: n * l)
    x.accumulateGradient { dst, acc in
        if acc {
            swapLeadingAxesAdding(dxT.base, into: dst, outer: c, inner: n, run: l)
        } else {
            swapLeadingAxes(dxT.base, into: dst, outer: c, inner: n, run: l)
        }
    }
    withExtendedLifetime((reordered, dxT)) {}
}
