import CKernels
import XCTest

/// The SGD-with-momentum and RMSprop kernels against the Swift rules they replaced, bit for bit.
final class CKernelsOptimizerTests: XCTestCase {
    /// Every length up to 131 (each vector width's loop and remainder), and one past a page.
    private let lengths = Array(0...131) + [4097]

    func testSGDMomentumMatchesTheScalarRule() {
        let settings: [(dampening: Float, nesterov: Bool, weightDecay: Float)] = [
            (0, false, 0), (0.1, false, 0), (0, true, 0), (0, false, 1e-3), (0.25, false, 1e-2), (0, true, 1e-2),
        ]
        let lr: Float = 0.01, mu: Float = 0.9
        for (dampening, nesterov, wd) in settings {
            for first in [true, false] {
                for n in lengths {
                    let p0 = (0..<n).map { Float($0 % 97) * 0.37 - 5 }
                    let g = KernelHarness.inputs(n, seed: 5)
                    let b0 = KernelHarness.inputs(n, seed: 11).map { $0.isFinite ? $0 * 0.01 : $0 }
                    var b = b0
                    let step = ck_sgd_momentum_step(learning_rate: lr, momentum: mu, dampening: dampening,
                                                    weight_decay: wd, nesterov: nesterov ? 1 : 0, first: first ? 1 : 0)
                    let p = KernelHarness.guarded(p0) { pp in
                        b = KernelHarness.guarded(b0) { ck_sgd_momentum_update(pp, g, $0, n, step) }
                    }
                    for i in 0..<n {
                        // The rule as SGD.swift wrote it before it called the kernel.
                        let d = g[i] + wd * p0[i]
                        let buf = first ? d : mu * b0[i] + (1 - dampening) * d
                        let pi = p0[i] - lr * (nesterov ? d + mu * buf : buf)
                        let what = "τ \(dampening) nesterov \(nesterov) λ \(wd) first \(first), \(i) of \(n): g \(g[i])"
                        XCTAssertTrue(KernelHarness.same(b[i], buf), "buffer, \(what)")
                        XCTAssertTrue(KernelHarness.same(p[i], pi), "p \(p[i]) vs \(pi), \(what)")
                        XCTAssertEqual(p[i].bitPattern == pi.bitPattern || p[i].isNaN, true, "sign of zero, \(what)")
                    }
                }
            }
        }
    }

    func testRMSpropMatchesTheScalarRule() {
        let alpha: Float = 0.99, eps: Float = 1e-8, lr: Float = 0.01
        for (centered, momentum, wd) in [(false, Float(0), Float(0)), (true, 0, 0), (false, 0.9, 0), (true, 0.9, 1e-2),
                                         (false, 0, 1e-2)] {
            for n in lengths {
                let p0 = (0..<n).map { Float($0 % 97) * 0.37 - 5 }
                let g = KernelHarness.inputs(n, seed: 6).map { abs($0) < 1e6 || $0.isNaN ? $0 : 2.5 }
                let s0 = (0..<n).map { Float($0 % 3) * 0.01 }
                let a0 = (0..<n).map { Float($0 % 5) * 0.02 - 0.04 }
                let b0 = (0..<n).map { Float($0 % 7) * 0.1 - 0.3 }
                var s = s0, a = a0, b = b0
                let step = ck_rmsprop_step(learning_rate: lr, alpha: alpha, eps: eps, momentum: momentum, weight_decay: wd)
                let p = KernelHarness.guarded(p0) { pp in
                    s = KernelHarness.guarded(s0) { ps in
                        a = KernelHarness.guarded(a0) { pa in
                            b = KernelHarness.guarded(b0) { pb in
                                ck_rmsprop_update(pp, g, ps, centered ? pa : nil, momentum > 0 ? pb : nil, n, step)
                            }
                        }
                    }
                }
                for i in 0..<n {
                    // The rule as RMSprop.swift wrote it before it called the kernel.
                    let gi = g[i] + wd * p0[i]
                    let si = alpha * s0[i] + (1 - alpha) * gi * gi
                    var ai = a0[i], bi = b0[i], pi = p0[i]
                    let denom: Float
                    if centered {
                        ai = alpha * a0[i] + (1 - alpha) * gi
                        denom = (si - ai * ai).squareRoot() + eps
                    } else {
                        denom = si.squareRoot() + eps
                    }
                    if momentum > 0 {
                        bi = momentum * b0[i] + gi / denom
                        pi -= lr * bi
                    } else {
                        pi -= lr * gi / denom
                    }
                    let what = "centered \(centered) μ \(momentum) λ \(wd), \(i) of \(n): g \(g[i])"
                    XCTAssertTrue(KernelHarness.same(s[i], si), "square avg, \(what)")
                    XCTAssertTrue(KernelHarness.same(a[i], ai), "grad avg (untouched unless centered), \(what)")
                    XCTAssertTrue(KernelHarness.same(b[i], bi), "momentum (untouched without), \(what)")
                    XCTAssertTrue(KernelHarness.same(p[i], pi), "p \(p[i]) vs \(pi), \(what)")
                }
            }
        }
    }
}
