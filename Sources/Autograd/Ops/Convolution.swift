/// One-dimensional convolution over N×C×L input, stride 1, zero padding, as im2col + sgemm.
///
/// The products run on channel-major data (``ConvolutionGeometry``), so the input is
/// transposed on the way in and the product on the way out; the patches
/// (``ConvolutionPatches``) are built from the transposed input, and the bias is added in the
/// outgoing transpose. A model that keeps its activations channel-major between convolutions
/// avoids those transposes with ``conv1d(channelMajor:weight:bias:padding:)``.
///
/// Backward computes dW from the output gradient and the input's patches, and dx as one more
/// product: the output gradient's own patches times the weight, a convolution with the kernel
/// reversed, rather than products into a patch-shaped buffer folded back by col2im. The input's
/// patches are built again in backward rather than kept: they are K times the size of the
/// input, which the graph keeps anyway, and by then they would have left the cache; rebuilding
/// them into a just-freed buffer is cheaper than reading them back from memory.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor?, padding: Int = 0) -> Tensor {
    precondition(x.rank == 3, "conv1d: input \(x.shape) is not [N, C, L]")
    let n = x.shape[0], c = x.shape[1], l = x.shape[2]
    let geometry = ConvolutionGeometry(batch: n, channels: c, length: l, weight: weight, bias: bias, padding: padding)
    let o = geometry.outChannels, lOut = geometry.outputLength
    let transposeInput = { (dst: UnsafeMutablePointer<Float>) in
        swapLeadingAxes(x.pointer, into: dst, outer: n, inner: c, run: l)
    }

    let y = TensorStorage(uninitializedCount: o * geometry.outputColumns)
    geometry.forward(cols: geometry.makePatches(geometry.inputPatches, writingSource: transposeInput),
                     weight: weight, bias: nil, into: y.base)
    let out = Tensor(uninitialized: [n, o, lOut])
    swapLeadingAxes(y.base, into: out.pointer, outer: o, inner: n, run: lOut, adding: bias?.pointer)
    withExtendedLifetime(y) {}

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording("conv1d", inputs) { g, _ in
        // dY [O, N·L_out], transposed straight into the middle block of dx's patches when
        // there is one.
        let transposeGradient = { (dst: UnsafeMutablePointer<Float>) in
            swapLeadingAxes(g.pointer, into: dst, outer: n, inner: o, run: lOut)
        }
        let dyPatches = x.requiresGrad && geometry.outputGradientPatches.centerTap != nil
            ? geometry.makePatches(geometry.outputGradientPatches, writingSource: transposeGradient) : nil
        let separate = dyPatches == nil ? TensorStorage(uninitializedCount: o * geometry.outputColumns) : nil
        if let separate { transposeGradient(separate.base) }
        let dy = separate?.base ?? dyPatches!.base + geometry.outputGradientPatches.centerTap!
            * geometry.outputGradientPatches.blockCount
        sendGradients(geometry, dy: dy, x: x, weight: weight, bias: bias, transposeInput: transposeInput)
        guard x.requiresGrad else { return withExtendedLifetime((dyPatches, separate)) {} }
        let patches = dyPatches ?? geometry.makePatches(geometry.outputGradientPatches) {
            $0.update(from: dy, count: o * geometry.outputColumns)
        }
        let dxT = TensorStorage(uninitializedCount: n * c * l)
        geometry.inputGradient(dyPatches: patches, weight: weight, into: dxT.base, accumulate: false)
        x.accumulateGradient { dst, acc in
            if acc {
                swapLeadingAxesAdding(dxT.base, into: dst, outer: c, inner: n, run: l)
            } else {
                swapLeadingAxes(dxT.base, into: dst, outer: c, inner: n, run: l)
            }
        }
        withExtendedLifetime((dyPatches, separate, dxT)) {}
    }
}

/// ``conv1d(_:weight:bias:padding:)`` on channel-major tensors: input `[C, N, L]`, output
/// `[O, N, L_out]` (the same numbers, with the first two axes swapped).
///
/// For models that convolve several times in a row: elementwise ops (activations, residual
/// sums) do not care about the layout, so the activations can stay channel-major between
/// convolutions, and each convolution is its three products and nothing else. The gradient
/// for the input goes straight from the last product into its `grad`.
///
/// 3-tap kernels go by Winograd's F(2,3) (``winogradConv1d(channelMajor:weight:bias:padding:)``),
/// which needs 2/3 of im2col's flops; other kernels by im2col.
public func conv1d(channelMajor x: Tensor, weight: Tensor, bias: Tensor?, padding: Int = 0) -> Tensor {
    precondition(weight.rank == 3, "conv1d: weight \(weight.shape) is not [O, C, K]")
    if weight.shape[2] == 3 {
        return winogradConv1d(channelMajor: x, weight: weight, bias: bias, padding: padding)
    }
    return im2colConv1d(channelMajor: x, weight: weight, bias: bias, padding: padding)
}

/// relu(``conv1d(channelMajor:weight:bias:padding:)`` + `residual`), `residual` optional and
/// shaped like the output: a residual block's last step, or a convolution followed by ReLU.
///
/// For 3-tap kernels the sum and the activation happen as the Winograd output transform writes
/// the output, and backward masks the gradient once for both: two fewer passes over the
/// activations and two fewer graph nodes each way. Other kernels compose the three ops.
public func conv1dReLU(channelMajor x: Tensor, weight: Tensor, bias: Tensor?, padding: Int = 0,
                       residual: Tensor? = nil) -> Tensor {
    precondition(weight.rank == 3, "conv1d: weight \(weight.shape) is not [O, C, K]")
    if weight.shape[2] == 3 {
        return winogradConv1d(channelMajor: x, weight: weight, bias: bias, padding: padding, residual: residual,
                              relu: true)
    }
    let y = im2colConv1d(channelMajor: x, weight: weight, bias: bias, padding: padding)
    return (residual.map { y + $0 } ?? y).relu()
}

/// ``conv1d(channelMajor:weight:bias:padding:)`` as im2col + sgemm, for any kernel: the path
/// for kernels other than 3 taps, and the reference the Winograd path is tested against.
func im2colConv1d(channelMajor x: Tensor, weight: Tensor, bias: Tensor?, padding: Int = 0) -> Tensor {
    precondition(x.rank == 3, "conv1d: channel-major input \(x.shape) is not [C, N, L]")
    let c = x.shape[0], n = x.shape[1], l = x.shape[2]
    let geometry = ConvolutionGeometry(batch: n, channels: c, length: l, weight: weight, bias: bias, padding: padding)
    let o = geometry.outChannels
    let copyInput = { (dst: UnsafeMutablePointer<Float>) in dst.update(from: x.pointer, count: x.count) }

    let out = Tensor(uninitialized: [o, n, geometry.outputLength])
    geometry.forward(cols: geometry.makePatches(geometry.inputPatches, writingSource: copyInput),
                     weight: weight, bias: bias?.pointer, into: out.pointer)

    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording("conv1d(channelMajor)", inputs) { g, _ in
        sendGradients(geometry, dy: g.pointer, x: x, weight: weight, bias: bias, transposeInput: copyInput)
        guard x.requiresGrad else { return }
        let dyPatches = geometry.makePatches(geometry.outputGradientPatches) {
            $0.update(from: g.pointer, count: g.count)
        }
        x.accumulateGradient { dst, acc in
            geometry.inputGradient(dyPatches: dyPatches, weight: weight, into: dst, accumulate: acc)
        }
    }
}

/// The weight's and bias's gradients from the channel-major output gradient `dy`; the
/// input's patches are rebuilt from `transposeInput`, which writes the input channel-major.
private func sendGradients(_ geometry: ConvolutionGeometry, dy: UnsafePointer<Float>, x: Tensor, weight: Tensor,
                           bias: Tensor?, transposeInput: (UnsafeMutablePointer<Float>) -> Void) {
    weight.accumulateGradient { dst, acc in
        let cols = geometry.makePatches(geometry.inputPatches, writingSource: transposeInput)
        geometry.weightGradient(dy: dy, cols: cols, into: dst, accumulate: acc)
    }
    if let bias, bias.requiresGrad {
        bias.accumulateGradient { dst, acc in
            sumRows(dy, rows: geometry.outChannels, count: geometry.outputColumns, into: dst, accumulate: acc)
        }
    }
}
