import CKernels
import XCTest

/// The bias kernels (broadcast into rows, sum over rows) and the SGD update.
final class CKernelsRowsAndUpdateTests: XCTestCase {
    private let shapes = [(0, 5), (1, 0), (1, 1), (3, 7), (4, 16), (5, 17), (100, 128), (7, 33), (2, 131)]

    func testSumRowsAddsEveryRowInOrder() {
        for (rows, columns) in shapes {
            let g = KernelHarness.inputs(rows * columns).map { abs($0) < 1e6 ? $0 : 1.5 }
            let d0 = (0..<columns).map { Float($0) * 0.5 }
            let written = KernelHarness.guarded(d0) { ck_sum_rows(g, rows, columns, $0, 0) }
            let added = KernelHarness.guarded(d0) { ck_sum_rows(g, rows, columns, $0, 1) }
            for j in 0..<columns {
                // The scalar definition: Float sums, row after row.
                var s: Float = 0, t = d0[j]
                for r in 0..<rows { s += g[r * columns + j]; t += g[r * columns + j] }
                XCTAssertEqual(written[j], s, "column \(j) of [\(rows), \(columns)]")
                XCTAssertEqual(added[j], t, "column \(j) of [\(rows), \(columns)], accumulating")
            }
        }
    }

    func testSumRowsPropagatesNaN() {
        var dst: [Float] = [0, 0, 0]
        ck_sum_rows([1, .nan, 2, 3, 4, .infinity], 2, 3, &dst, 0)
        XCTAssertEqual(dst[0], 4)
        XCTAssertTrue(dst[1].isNaN)
        XCTAssertEqual(dst[2], .infinity)
    }

    func testBroadcastRowsCopiesTheRowIntoEachRow() {
        for (rows, columns) in shapes {
            let row = KernelHarness.inputs(columns)
            let out = KernelHarness.guarded([Float](repeating: 0, count: rows * columns)) {
                ck_broadcast_rows(row, rows, columns, $0)
            }
            for r in 0..<rows {
                for j in 0..<columns {
                    XCTAssertTrue(KernelHarness.same(out[r * columns + j], row[j]), "[\(r), \(j)] of [\(rows), \(columns)]")
                }
            }
        }
    }

    func testSGDUpdateMatchesTheScalarRule() {
        let lr: Float = 0.01, wd: Float = 0.001
        for n in KernelHarness.lengths {
            let p0 = (0..<n).map { Float($0) * 0.37 - 5 }
            let g = KernelHarness.inputs(n, seed: 3)
            let plain = KernelHarness.guarded(p0) { ck_sgd_update($0, g, n, lr, 0) }
            let decayed = KernelHarness.guarded(p0) { ck_sgd_update($0, g, n, lr, wd) }
            for i in 0..<n {
                let a = p0[i] - lr * g[i]
                let b = p0[i] - lr * (g[i] + wd * p0[i])
                XCTAssertTrue(KernelHarness.same(plain[i], a), "p \(p0[i]) g \(g[i]): \(plain[i]) vs \(a)")
                XCTAssertTrue(KernelHarness.same(decayed[i], b), "p \(p0[i]) g \(g[i]): \(decayed[i]) vs \(b)")
            }
        }
    }

    func testAdamUpdateMatchesTheScalarRule() {
        let adam = ck_adam_step(step_size: 1e-3 / 0.19, beta1: 0.9, beta2: 0.999,
                                bias_correction2_sqrt: 0.0447, eps: 1e-8, decay: 1, l2: 0.01)
        var adamW = adam
        adamW.decay = 1 - 1e-3 * 0.01
        adamW.l2 = 0
        for step in [adam, adamW] {
            for n in KernelHarness.lengths {
                let p0 = (0..<n).map { Float($0) * 0.37 - 5 }
                let g = KernelHarness.inputs(n, seed: 4).map { abs($0) < 1e6 || $0.isNaN ? $0 : 2.5 }
                let m0 = (0..<n).map { Float($0 % 5) * 0.1 - 0.2 }
                let v0 = (0..<n).map { Float($0 % 3) * 0.01 }
                var m = m0, v = v0
                let p = KernelHarness.guarded(p0) { ck_adam_update($0, g, &m, &v, n, step) }
                for i in 0..<n {
                    // The rule as Adam.swift wrote it before it called the kernel.
                    let gi = g[i] + step.l2 * p0[i]
                    let mi = step.beta1 * m0[i] + (1 - step.beta1) * gi
                    let vi = step.beta2 * v0[i] + (1 - step.beta2) * gi * gi
                    let pi = p0[i] * step.decay - step.step_size * mi / (vi.squareRoot() / step.bias_correction2_sqrt + step.eps)
                    XCTAssertTrue(KernelHarness.same(m[i], mi) && KernelHarness.same(v[i], vi),
                                  "moments at \(i) of \(n): g \(g[i])")
                    XCTAssertTrue(KernelHarness.same(p[i], pi), "p at \(i) of \(n): \(p[i]) vs \(pi), g \(g[i])")
                }
            }
        }
    }
}
