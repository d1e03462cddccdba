import Autograd

/// The rate of one OpenBLAS sgemm shape, the ceiling the engine's matrix products are judged by.
struct SgemmRate: Codable {
    let m: Int
    let n: Int
    let k: Int
    let medianMilliseconds: Double
    let gflops: Double
    /// The rate by this thread's CPU time, which a shared machine disturbs less.
    let cpuGflops: Double

    /// Times C[m, n] = A[m, k] · Bᵀ (B stored [n, k], as a Linear layer's weight) on the
    /// calling thread's BLAS settings, as the engine benchmark times its steps.
    static func measure(m: Int, n: Int, k: Int, seconds: Double) -> SgemmRate {
        var generator = RandomGenerator(seed: 7)
        let a = Tensor.randomNormal([m, k], generator: &generator)
        let b = Tensor.randomNormal([n, k], generator: &generator)
        let c = Tensor.zeros([m, n])
        let timings = Timings.measure(warmup: 3, seconds: seconds, minimumCalls: 10) {
            BLAS.gemm(transposeB: true, m: m, n: n, k: k, a: a.pointer, lda: k, b: b.pointer, ldb: k,
                      c: c.pointer, ldc: n)
        }
        let flops = 2 * Double(m) * Double(n) * Double(k)
        return SgemmRate(m: m, n: n, k: k, medianMilliseconds: timings.medianWall * 1e3,
                         gflops: flops / timings.medianWall / 1e9, cpuGflops: flops / timings.medianCPU / 1e9)
    }

    var shape: String { "\(m)x\(n)x\(k)" }
}
