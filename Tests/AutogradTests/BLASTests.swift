import XCTest
@testable import Autograd

/// The row-major gemm wrapper against a naive product, with every transpose flag.
final class BLASTests: XCTestCase {
    /// C = op(A)·op(B) by loops, with A stored [m, k] (or [k, m] when transposed), B likewise.
    private func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, ta: Bool, tb: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    func testGemmWithEveryTransposeFlag() {
        let (m, n, k) = (3, 4, 5)
        let a = TestData.uniform([m * k], seed: 1, requiresGrad: false).scalars
        let b = TestData.uniform([k * n], seed: 2, requiresGrad: false).scalars
        for ta in [false, true] {
            for tb in [false, true] {
                var c = [Float](repeating: 1, count: m * n)
                BLAS.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, a: a, lda: ta ? m : k,
                          b: b, ldb: tb ? k : n, c: &c, ldc: n)
                assertClose(c, naive(a, b, m: m, n: n, k: k, ta: ta, tb: tb), absolute: 1e-5, "ta \(ta) tb \(tb)")
            }
        }
    }

    func testGemmAlphaBetaAndEmptyInnerDimension() {
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        var c: [Float] = [10]
        // C = 2·(1·3 + 2·4) + 0.5·10
        BLAS.gemm(m: 1, n: 1, k: 2, alpha: 2, a: a, lda: 2, b: b, ldb: 1, beta: 0.5, c: &c, ldc: 1)
        XCTAssertEqual(c, [27])
        var d: [Float] = [.nan, .nan]
        BLAS.gemm(m: 1, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2, c: &d, ldc: 2)
        XCTAssertEqual(d, [0, 0], "k = 0 with beta 0 writes zeros")
        var e: [Float] = [5, 6]
        BLAS.gemm(m: 1, n: 2, k: 0, a: a, lda: 1, b: b, ldb: 2, beta: 1, c: &e, ldc: 2)
        XCTAssertEqual(e, [5, 6], "k = 0 with beta 1 leaves C")
    }

    func testAxpy() {
        let x: [Float] = [1, 2, 3]
        var y: [Float] = [10, 20, 30]
        BLAS.axpy(3, alpha: -2, x: x, y: &y)
        XCTAssertEqual(y, [8, 16, 24])
    }
}
