import CKernels

/// Matrix products, all through OpenBLAS sgemm.
extension Tensor {
    /// The matrix product of two 2-D tensors: [M, K] × [K, N] → [M, N].
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[0],
                     "matmul: \(shape) × \(other.shape)")
        let m = shape[0], k = shape[1], n = other.shape[1]
        let out = Tensor(uninitialized: [m, n])
        BLAS.gemm(m: m, n: n, k: k, a: pointer, lda: k, b: other.pointer, ldb: n, c: out.pointer, ldc: n)
        return out.recording("matmul", [self, other]) { g, _ in
            // dA = dC · Bᵀ, dB = Aᵀ · dC, accumulated in place by sgemm's beta.
            self.accumulateGradient { dst, acc in
                BLAS.gemm(transposeB: true, m: m, n: k, k: n, a: g.pointer, lda: n, b: other.pointer, ldb: n,
                          beta: acc ? 1 : 0, c: dst, ldc: k)
            }
            other.accumulateGradient { dst, acc in
                BLAS.gemm(transposeA: true, m: k, n: n, k: m, a: self.pointer, lda: k, b: g.pointer, ldb: n,
                          beta: acc ? 1 : 0, c: dst, ldc: n)
            }
        }
    }
}

/// y = x · Wᵀ + b for x [N, in], W [out, in] (PyTorch's Linear layout), b [out].
///
/// One fused op rather than matmul + transpose + add: the transpose is folded into sgemm's
/// flags, the bias is added in the same pass, and backward accumulates dW straight into the
/// parameter's gradient (which may be a data-parallel bucket) with beta = 1.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                 "linear: input \(x.shape) with weight \(weight.shape)")
    let n = x.shape[0], inFeatures = weight.shape[1], outFeatures = weight.shape[0]
    let out = Tensor(uninitialized: [n, outFeatures])
    let po = out.pointer
    if let bias {
        precondition(bias.shape == [outFeatures], "linear: bias \(bias.shape) for \(outFeatures) outputs")
        ck_broadcast_rows(bias.pointer, n, outFeatures, po)
    }
    BLAS.gemm(transposeB: true, m: n, n: outFeatures, k: inFeatures,
              a: x.pointer, lda: inFeatures, b: weight.pointer, ldb: inFeatures,
              beta: bias == nil ? 0 : 1, c: po, ldc: outFeatures)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording("linear", inputs) { g, _ in
        let pg = g.pointer
        weight.accumulateGradient { dst, acc in
            // dW[out, in] = gᵀ[out, N] · x[N, in]
            BLAS.gemm(transposeA: true, m: outFeatures, n: inFeatures, k: n,
                      a: pg, lda: outFeatures, b: x.pointer, ldb: inFeatures,
                      beta: acc ? 1 : 0, c: dst, ldc: inFeatures)
        }
        if let bias, bias.requiresGrad {
            bias.accumulateGradient { dst, acc in
                ck_sum_rows(pg, n, outFeatures, dst, acc ? 1 : 0)
            }
        }
        x.accumulateGradient { dst, acc in
            // dx[N, in] = g[N, out] · W[out, in]
            BLAS.gemm(m: n, n: inFeatures, k: outFeatures,
                      a: pg, lda: outFeatures, b: weight.pointer, ldb: inFeatures,
                      beta: acc ? 1 : 0, c: dst, ldc: inFeatures)
        }
    }
}
