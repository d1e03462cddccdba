import CBLAS

/// Thin, row-major wrappers over OpenBLAS. All matrix products in the engine go through here.
public enum BLAS {
    /// While non-nil, every `gemm` call appends its shape here, in call order: `ddp-bench`
    /// records one training step and replays the same products alone (the step's GEMM floor).
    /// One load and a branch per product otherwise; set it from one thread only.
    nonisolated(unsafe) public static var recordedCalls: [GemmCall]?

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
        if recordedCalls != nil {
            recordedCalls!.append(GemmCall(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                           lda: lda, ldb: ldb, ldc: ldc, beta: beta))
        }
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

/// The shape of one `BLAS.gemm` call, enough to replay it on buffers of the same sizes.
@frozen
public struct GemmCall: Equatable, Sendable {
    /// Whether A and B enter transposed (`CblasTrans`).
    public let transposeA: Bool, transposeB: Bool
    /// The product's dimensions: C is m×n, the shared dimension is k.
    public let m: Int, n: Int, k: Int
    /// The leading dimensions (row strides, in elements) of A, B and C.
    public let lda: Int, ldb: Int, ldc: Int
    /// The factor on C's previous contents: 0 overwrites, 1 accumulates.
    public let beta: Float

    /// A call of the given shape and β, as passed to `cblas_sgemm` in row-major order.
    @inlinable
    public init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int, beta: Float) {
        self.transposeA = transposeA; self.transposeB = transposeB
        self.m = m; self.n = n; self.k = k
        self.lda = lda; self.ldb = ldb; self.ldc = ldc
        self.beta = beta
    }

    /// Scalars A, B and C span in memory (row-major, with their leading dimensions).
    public var aCount: Int { (transposeA ? k : m) * lda }
    /// Scalars B spans in memory.
    public var bCount: Int { (transposeB ? n : k) * ldb }
    /// Scalars C spans in memory.
    public var cCount: Int { m * ldc }
    /// 2·m·n·k.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}
