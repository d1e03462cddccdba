import CBLAS

/// Thin, row-major wrappers over OpenBLAS. All matrix products in the engine go through here.
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, row-major. `op` transposes when the flag is set.
    /// A is M×K after op, B is K×N after op, C is M×N.
    @inlinable
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false,
                            m: Int, n: Int, k: Int,
                            alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha,
                    a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// y += alpha · x.
    @inlinable
    public static func axpy(_ n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasint(n), alpha, x, 1, y, 1)
    }

    /// Sets the number of threads OpenBLAS uses. Ranks that share cores want 1.
    public static func setThreadCount(_ n: Int) {
        openblas_set_num_threads(Int32(n))
    }

    /// The number of threads OpenBLAS uses now.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
}
