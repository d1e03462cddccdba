import XCTest
@testable import Autograd

/// Checks an op's backward against central finite differences, in Float32.
///
/// The op's output is reduced to the scalar L = Σ out·R with a fixed random R (entries of
/// magnitude 0.5…1.5 with random sign, so no output is silently ignored and softmax-like ops,
/// whose outputs sum to a constant, still get a non-zero gradient). The analytic gradient comes
/// from `out.backward(gradient: R)`, which is exactly ∂L/∂out = R. The numeric one is
/// (L(x + h) − L(x − h)) / (x₊ − x₋), with L accumulated in Double from the Float outputs and
/// the denominator taken from the perturbed values as Float actually stored them.
///
/// ## Why the tolerance is what it is
///
/// An element passes when |analytic − numeric| ≤ rtol·max(|analytic|, |numeric|) + floor.
///
/// - Truncation error of the central difference is h²·f‴/6. With h = 1e-2 and inputs kept
///   away from kinks and singularities (divisors and logarithm arguments ≥ 0.5, relu inputs
///   ≥ 0.1 from 0), that is at most a few 1e-4 relative (log at 0.5: h²·16/6 ≈ 3e-4 against a
///   slope of 2), so rtol = 5e-3 leaves more than a 10× margin.
/// - Rounding: each Float output carries a relative error of a few ulp (ε = 2⁻²³ ≈ 1.2e-7).
///   In the worst case those errors add up over all outputs, so L(x ± h) is off by at most
///   about 4·ε·S with S = Σ|out·R|, and the difference quotient by 4·ε·S/h. That bound (plus
///   1e-5 for outputs that are sums of several Float products) is the floor.
/// - What it still catches: a gradient off by a factor of 2 differs from the truth by |g|,
///   that is by half of max(|2g|, |g|), a hundred times rtol. A transposed index puts one
///   element's gradient where another's belongs; with random inputs the two differ by about
///   the gradient's own magnitude. Either fails as soon as |g| exceeds about the floor, and
///   every check asserts that the largest numeric gradient is at least 20× the floor, so the
///   floor can never be what lets a check pass. `GradientCheckerTests` feeds the comparison
///   deliberately wrong gradients and asserts that it rejects them.
/// - Measured over every check in this suite, the worst element uses 7 % of its tolerance
///   (a division, where the curvature is largest): the checks are tight but not fragile.
struct GradientChecker {
    var step: Float = 1e-2
    var relativeTolerance: Double = 5e-3
    var seed: UInt64 = 0x5EED

    /// One element that failed, for the failure message.
    struct Mismatch: CustomStringConvertible {
        let index: Int
        let analytic: Double
        let numeric: Double
        var description: String { "[\(index)] analytic \(analytic) vs numeric \(numeric)" }
    }

    /// The outcome of comparing one input's gradients.
    struct Comparison {
        var mismatches: [Mismatch]
        /// The largest |numeric| divided by the absolute floor: how far above the rounding
        /// floor the gradient sits. Below 20 the check would be too weak to trust.
        var signalToFloor: Double
        var passed: Bool { mismatches.isEmpty }
    }

    /// Compares analytic with numeric gradients elementwise. Separate from `check` so that
    /// tests can feed it tampered values and watch it fail.
    func compare(analytic: [Double], numeric: [Double], floor: Double) -> Comparison {
        precondition(analytic.count == numeric.count)
        var mismatches: [Mismatch] = []
        var largest = 0.0
        for i in 0..<numeric.count {
            let a = analytic[i], n = numeric[i]
            largest = max(largest, abs(n))
            let tolerance = relativeTolerance * max(abs(a), abs(n)) + floor
            if !(abs(a - n) <= tolerance) { mismatches.append(Mismatch(index: i, analytic: a, numeric: n)) }
        }
        return Comparison(mismatches: mismatches, signalToFloor: largest / floor)
    }

    /// The floor for outputs `out` weighted by `weights`: see the type's documentation.
    func floor(outputs: [Float], weights: [Float]) -> Double {
        var s = 0.0
        for i in 0..<outputs.count { s += abs(Double(outputs[i]) * Double(weights[i])) }
        return 1e-5 + 4 * Double(Float.ulpOfOne) * s / Double(step)
    }

    /// L = Σ out·R in Double, evaluated without recording a graph.
    private func loss(_ f: () -> Tensor, _ weights: [Float]) -> Double {
        let out = withoutGradients { f() }
        var l = 0.0
        for (i, v) in out.scalars.enumerated() { l += Double(v) * Double(weights[i]) }
        return l
    }

    /// Central-difference gradient of L with respect to every element of `input`.
    func numericGradient(of input: Tensor, _ f: () -> Tensor, weights: [Float]) -> [Double] {
        var result = [Double](repeating: 0, count: input.count)
        let p = input.pointer
        for i in 0..<input.count {
            let original = p[i]
            let plus = original + step, minus = original - step
            p[i] = plus
            let lPlus = loss(f, weights)
            p[i] = minus
            let lMinus = loss(f, weights)
            p[i] = original
            result[i] = (lPlus - lMinus) / (Double(plus) - Double(minus))
        }
        return result
    }

    /// The analytic and numeric gradients of L for each of `inputs`, and the rounding floor.
    struct Evaluation {
        var weights: Tensor
        var analytic: [[Double]]
        var numeric: [[Double]]
        var floor: Double
    }

    /// Runs forward and backward once (from cleared gradients) and the finite differences.
    /// Returns nil, after failing the test, if an input got no gradient.
    func evaluate(_ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line,
                  _ f: () -> Tensor) -> Evaluation? {
        for t in inputs { t.grad = nil }
        let out = f()
        var generator = RandomGenerator(seed: seed)
        let weights = (0..<out.count).map { _ -> Float in
            let magnitude = generator.uniform(0.5, 1.5)
            return generator.next() & 1 == 0 ? magnitude : -magnitude
        }
        let r = Tensor(weights, shape: out.shape)
        let floor = floor(outputs: out.scalars, weights: weights)
        out.backward(gradient: r)
        var analytic: [[Double]] = []
        for (k, t) in inputs.enumerated() {
            guard let g = t.grad else {
                XCTFail("input \(k) got no gradient", file: file, line: line)
                return nil
            }
            XCTAssertEqual(g.shape, t.shape, "input \(k): gradient shape", file: file, line: line)
            analytic.append(g.scalars.map(Double.init))
            t.grad = nil
        }
        let numeric = inputs.map { numericGradient(of: $0, f, weights: weights) }
        return Evaluation(weights: r, analytic: analytic, numeric: numeric, floor: floor)
    }

    /// Asserts that the backward of `f` matches finite differences for every tensor in
    /// `inputs` (each must require a gradient), and that backward accumulates onto an existing
    /// gradient exactly as it writes a fresh one.
    func check(_ inputs: [Tensor], label: String = "", file: StaticString = #filePath, line: UInt = #line,
               _ f: () -> Tensor) {
        guard let e = evaluate(inputs, file: file, line: line, f) else { return }
        for (k, t) in inputs.enumerated() {
            let result = compare(analytic: e.analytic[k], numeric: e.numeric[k], floor: e.floor)
            XCTAssertTrue(result.passed, "\(label) input \(k) shape \(t.shape): \(result.mismatches.prefix(6))",
                          file: file, line: line)
            XCTAssertGreaterThan(result.signalToFloor, 20,
                                 "\(label) input \(k): gradients too small for the check to mean anything",
                                 file: file, line: line)
        }

        // The accumulate path (an existing gradient, as after an earlier micro-batch) is
        // separate code in most ops: start from a known non-zero gradient and expect it plus
        // the fresh one.
        var generator = RandomGenerator(seed: seed ^ 0xACC)
        var offsets: [[Float]] = []
        for t in inputs {
            let offset = (0..<t.count).map { _ in generator.uniform(-1, 1) }
            offsets.append(offset)
            t.grad = Tensor(offset, shape: t.shape)
        }
        f().backward(gradient: e.weights)
        for (k, t) in inputs.enumerated() {
            guard let g = t.grad?.scalars else {
                XCTFail("input \(k) lost its gradient", file: file, line: line)
                continue
            }
            for i in 0..<t.count {
                let expected = Double(offsets[k][i]) + e.analytic[k][i]
                if abs(Double(g[i]) - expected) > 1e-5 * max(1, abs(expected)) {
                    XCTFail("\(label) input \(k)[\(i)]: accumulated \(g[i]), expected \(offsets[k][i]) + \(e.analytic[k][i])",
                            file: file, line: line)
                    break
                }
            }
            t.grad = nil
        }
    }
}
