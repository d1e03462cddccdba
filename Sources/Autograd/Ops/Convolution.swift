/// One-dimensional convolution over N×C×L input, stride 1, zero padding, as im2col + sgemm.
///
/// The whole batch becomes one matrix of patches, [N·L_out, C·K], so one sgemm covers every
/// sample: the seed's sequences are only 10 long, and a product per sample would leave BLAS
/// with matrices too thin to run fast.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor?, padding: Int = 0) -> Tensor {
    precondition(x.rank == 3 && weight.rank == 3 && x.shape[1] == weight.shape[1],
                 "conv1d: input \(x.shape) with weight \(weight.shape)")
    let n = x.shape[0], c = x.shape[1], l = x.shape[2]
    let o = weight.shape[0], k = weight.shape[2]
    let lOut = l + 2 * padding - k + 1
    precondition(lOut > 0, "conv1d: kernel \(k) longer than padded input \(l + 2 * padding)")
    let ck = c * k, rows = n * lOut

    // Patches: cols[(n·L_out + t), c·K + j] = x[n, c, t + j − padding], zero outside.
    let cols = TensorStorage(uninitializedCount: rows * ck)
    let px = x.pointer, pc = cols.base
    for b in 0..<n {
        for t in 0..<lOut {
            let row = pc + (b * lOut + t) * ck
            for ch in 0..<c {
                let src = px + (b * c + ch) * l
                let dst = row + ch * k
                for j in 0..<k {
                    let pos = t + j - padding
                    dst[j] = (pos >= 0 && pos < l) ? src[pos] : 0
                }
            }
        }
    }
    // Y2[rows, O] = cols · Wᵀ, then scatter to [N, O, L_out] with the bias.
    let y2 = TensorStorage(uninitializedCount: rows * o)
    BLAS.gemm(transposeB: true, m: rows, n: o, k: ck, a: pc, lda: ck, b: weight.pointer, ldb: ck,
              c: y2.base, ldc: o)
    let out = Tensor(uninitialized: [n, o, lOut])
    let py = out.pointer, p2 = y2.base
    let pb = bias?.pointer
    for b in 0..<n {
        for t in 0..<lOut {
            let src = p2 + (b * lOut + t) * o
            for ch in 0..<o {
                py[(b * o + ch) * lOut + t] = src[ch] + (pb?[ch] ?? 0)
            }
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording("conv1d", inputs) { g, _ in
        // Reach the patches through `cols`, so that this closure owns the storage: a captured
        // raw pointer does not keep it alive, and backward would read freed memory.
        let pc = cols.base
        // dY2[rows, O] from g[N, O, L_out].
        let dy2 = TensorStorage(uninitializedCount: rows * o)
        let pg = g.pointer, pd = dy2.base
        for b in 0..<n {
            for ch in 0..<o {
                let src = pg + (b * o + ch) * lOut
                for t in 0..<lOut { pd[(b * lOut + t) * o + ch] = src[t] }
            }
        }
        weight.accumulateGradient { dst, acc in
            BLAS.gemm(transposeA: true, m: o, n: ck, k: rows, a: pd, lda: o, b: pc, ldb: ck,
                      beta: acc ? 1 : 0, c: dst, ldc: ck)
        }
        if let bias, bias.requiresGrad {
            bias.accumulateGradient { dst, acc in
                if !acc { dst.update(repeating: 0, count: o) }
                for r in 0..<rows { VectorMath.map2(dst, pd + r * o, dst, o) { $0 + $1 } }
            }
        }
        if x.requiresGrad {
            let dcols = TensorStorage(uninitializedCount: rows * ck)
            BLAS.gemm(m: rows, n: ck, k: o, a: pd, lda: o, b: weight.pointer, ldb: ck, c: dcols.base, ldc: ck)
            x.accumulateGradient { dst, acc in
                if !acc { dst.update(repeating: 0, count: n * c * l) }
                let pdc = dcols.base
                for b in 0..<n {
                    for t in 0..<lOut {
                        let row = pdc + (b * lOut + t) * ck
                        for ch in 0..<c {
                            let d = dst + (b * c + ch) * l
                            for j in 0..<k {
                                let pos = t + j - padding
                                if pos >= 0 && pos < l { d[pos] += row[ch * k + j] }
                            }
                        }
                    }
                }
            }
        }
    }
}
