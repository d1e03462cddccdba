import Autograd

/// The matrix products of one training step, replayed alone: the same sgemm calls (forward,
/// input gradient, weight gradient), with the same shapes, leading dimensions and β, in the
/// same order. Nothing else in the step can be cheaper than this on one thread, so a step's
/// time over its floor is what the engine adds around OpenBLAS.
///
/// Each call gets its own buffers, as in the step, filled with small values (no denormals).
final class GemmFloor {
    let calls: [GemmCall]
    private var buffers: [(a: [Float], b: [Float], c: [Float])]

    /// Records the calls of one `step()` (run once more, so the step is warm).
    init(recording step: () -> Void) {
        BLAS.recordedCalls = []
        step()
        calls = BLAS.recordedCalls ?? []
        BLAS.recordedCalls = nil
        buffers = calls.enumerated().map { i, call in
            func fill(_ count: Int, _ salt: Int) -> [Float] {
                (0..<max(count, 1)).map { Float(($0 &* 31 &+ i &* 7 &+ salt) % 17) * 0.01 - 0.08 }
            }
            return (fill(call.aCount, 1), fill(call.bCount, 2), fill(call.cCount, 3))
        }
    }

    /// 2·m·n·k over all calls.
    var flops: Double { calls.reduce(0) { $0 + $1.flops } }

    /// Runs every product once, in order.
    func run() {
        for i in calls.indices {
            let call = calls[i]
            buffers[i].a.withUnsafeBufferPointer { a in
                buffers[i].b.withUnsafeBufferPointer { b in
                    buffers[i].c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(transposeA: call.transposeA, transposeB: call.transposeB, m: call.m, n: call.n,
                                  k: call.k, a: a.baseAddress!, lda: call.lda, b: b.baseAddress!, ldb: call.ldb,
                                  beta: call.beta, c: c.baseAddress!, ldc: call.ldc)
                    }
                }
            }
        }
    }
}
