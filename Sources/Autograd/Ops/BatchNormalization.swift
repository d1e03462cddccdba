/// Sums per-channel statistics across data-parallel replicas, in place. Autograd knows nothing
/// of MPI: the distributed layer passes a closure that allreduces, and a single process passes
/// nil. The buffer holds Double so that the sums agree across world sizes far below 1e-5.
public typealias StatisticsReducer = (UnsafeMutableBufferPointer<Double>) -> Void

/// Batch normalization over axis 1 of [N, C] or [N, C, L] input, as PyTorch's BatchNorm1d.
///
/// In training it normalizes with the batch's mean and biased variance, and updates the running
/// statistics in place with `momentum` and the unbiased variance. With a `reducer`, the batch is
/// the global batch across replicas (SyncBatchNorm): forward sums the statistics and backward
/// sums Σdy and Σdy·x̂, so every replica normalizes and differentiates exactly as one process
/// would over all samples. In evaluation it uses the running statistics.
public func batchNorm(_ x: Tensor, weight: Tensor, bias: Tensor,
                      runningMean: Tensor, runningVar: Tensor,
                      training: Bool, momentum: Float = 0.1, eps: Float = 1e-5,
                      reducer: StatisticsReducer? = nil) -> Tensor {
    precondition(x.rank == 2 || x.rank == 3, "batchNorm expects [N, C] or [N, C, L], got \(x.shape)")
    let n = x.shape[0], c = x.shape[1], l = x.rank == 3 ? x.shape[2] : 1
    precondition(weight.count == c && bias.count == c && runningMean.count == c && runningVar.count == c,
                 "batchNorm: \(c) channels but parameters of \(weight.count)")
    let px = x.pointer
    // Elements of channel ch live at px[(b·C + ch)·L + t].
    func forEachChannelElement(_ ch: Int, _ body: (Int) -> Void) {
        for b in 0..<n { let base = (b * c + ch) * l; for t in 0..<l { body(base + t) } }
    }

    var mean = [Double](repeating: 0, count: c)
    var variance = [Double](repeating: 0, count: c)
    var count = Double(n * l)
    if training {
        // Two passes (mean, then squared deviations) rather than Σx and Σx²: the difference of
        // two large sums would lose the digits the equivalence tests compare.
        var stats = [Double](repeating: 0, count: c + 1)
        for ch in 0..<c { var s = 0.0; forEachChannelElement(ch) { s += Double(px[$0]) }; stats[ch] = s }
        stats[c] = count
        if let reducer { stats.withUnsafeMutableBufferPointer { reducer($0) } }
        count = stats[c]
        precondition(count > 1, "batchNorm in training needs more than one value per channel")
        for ch in 0..<c { mean[ch] = stats[ch] / count }
        var deviations = [Double](repeating: 0, count: c)
        for ch in 0..<c {
            var s = 0.0; let m = mean[ch]
            forEachChannelElement(ch) { let d = Double(px[$0]) - m; s += d * d }
            deviations[ch] = s
        }
        if let reducer { deviations.withUnsafeMutableBufferPointer { reducer($0) } }
        for ch in 0..<c { variance[ch] = deviations[ch] / count }
        let rm = runningMean.pointer, rv = runningVar.pointer, mo = Double(momentum)
        for ch in 0..<c {
            rm[ch] = Float((1 - mo) * Double(rm[ch]) + mo * mean[ch])
            rv[ch] = Float((1 - mo) * Double(rv[ch]) + mo * variance[ch] * count / (count - 1))
        }
    } else {
        for ch in 0..<c { mean[ch] = Double(runningMean.pointer[ch]); variance[ch] = Double(runningVar.pointer[ch]) }
    }

    let invStd = variance.map { Float(1 / ($0 + Double(eps)).squareRoot()) }
    let meanF = mean.map { Float($0) }
    let out = Tensor(uninitialized: x.shape)
    let xhat = TensorStorage(uninitializedCount: x.count)
    let py = out.pointer, ph = xhat.base, pw = weight.pointer, pb = bias.pointer
    for ch in 0..<c {
        let m = meanF[ch], s = invStd[ch], w = pw[ch], bb = pb[ch]
        forEachChannelElement(ch) { i in
            let h = (px[i] - m) * s
            ph[i] = h
            py[i] = h * w + bb
        }
    }
    let globalCount = count
    return out.recording("batchNorm", [x, weight, bias]) { g, _ in
        // Reach x̂ through `xhat`, so that this closure owns the storage: a captured raw
        // pointer does not keep it alive, and backward would read freed memory.
        let ph = xhat.base
        let pg = g.pointer
        // Σdy and Σdy·x̂ per channel: the parameter gradients, and (summed globally when
        // synchronized) the two terms of the input gradient.
        var sums = [Double](repeating: 0, count: 2 * c)
        for ch in 0..<c {
            var sg = 0.0, sgh = 0.0
            forEachChannelElement(ch) { i in sg += Double(pg[i]); sgh += Double(pg[i]) * Double(ph[i]) }
            sums[ch] = sg; sums[c + ch] = sgh
        }
        weight.accumulateGradient { dst, acc in
            for ch in 0..<c { let v = Float(sums[c + ch]); dst[ch] = acc ? dst[ch] + v : v }
        }
        bias.accumulateGradient { dst, acc in
            for ch in 0..<c { let v = Float(sums[ch]); dst[ch] = acc ? dst[ch] + v : v }
        }
        guard x.requiresGrad else { return }
        if training, let reducer { sums.withUnsafeMutableBufferPointer { reducer($0) } }
        x.accumulateGradient { dst, acc in
            for ch in 0..<c {
                let scale = pw[ch] * invStd[ch]
                if training {
                    let meanG = Float(sums[ch] / globalCount), meanGH = Float(sums[c + ch] / globalCount)
                    forEachChannelElement(ch) { i in
                        let v = scale * (pg[i] - meanG - ph[i] * meanGH)
                        dst[i] = acc ? dst[i] + v : v
                    }
                } else {
                    forEachChannelElement(ch) { i in
                        let v = scale * pg[i]
                        dst[i] = acc ? dst[i] + v : v
                    }
                }
            }
        }
    }
}
