import Foundation
import Training
import XCTest

/// The gradient-noise-scale estimator on simulated gradients with a known mean G and
/// per-sample covariance Σ: over many trials its estimates of |G|² and tr(Σ) average to the
/// truth within a few standard errors, as unbiased estimators must.
final class DiagnosticsNoiseScaleTests: XCTestCase {
    /// The true gradient and the per-coordinate standard deviations of a per-sample gradient
    /// (diagonal Σ, so tr(Σ) is the sum of the variances).
    let trueGradient: [Double] = [0.5, -0.3, 0.2, 0.0, 0.1, -0.4]
    let sampleStd: [Double] = [1.0, 2.0, 0.5, 1.5, 1.0, 0.8]
    var trueSquaredNorm: Double { trueGradient.reduce(0) { $0 + $1 * $1 } }
    var trueTrace: Double { sampleStd.reduce(0) { $0 + $1 * $1 } }

    /// One simulated data-parallel step: `ranks` ranks each average `perRank` per-sample
    /// gradients; returns (mean over ranks of |local|², |average of locals|²).
    func simulateStep(ranks: Int, perRank: Int, generator: inout TestNormalGenerator) -> (small: Double, large: Double) {
        let d = trueGradient.count
        var average = [Double](repeating: 0, count: d)
        var smallSum = 0.0
        for _ in 0..<ranks {
            var local = [Double](repeating: 0, count: d)
            for _ in 0..<perRank {
                for j in 0..<d { local[j] += trueGradient[j] + sampleStd[j] * generator.next() }
            }
            for j in 0..<d { local[j] /= Double(perRank) }
            smallSum += local.reduce(0) { $0 + $1 * $1 }
            for j in 0..<d { average[j] += local[j] / Double(ranks) }
        }
        return (smallSum / Double(ranks), average.reduce(0) { $0 + $1 * $1 })
    }

    /// Mean and standard error of `values`.
    func meanAndStandardError(_ values: [Double]) -> (mean: Double, se: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }

    func testEstimatesAreUnbiasedAcrossRanks() {
        var generator = TestNormalGenerator(seed: 20_180_614)
        let ranks = 4, perRank = 8, trials = 20_000
        var squaredNorms: [Double] = [], traces: [Double] = [], naive: [Double] = []
        for _ in 0..<trials {
            let (small, large) = simulateStep(ranks: ranks, perRank: perRank, generator: &generator)
            let e = NoiseScaleEstimator.estimate(smallSquaredNorm: small, largeSquaredNorm: large,
                                                 smallBatch: perRank, largeBatch: perRank * ranks)
            squaredNorms.append(e.gradientSquaredNorm)
            traces.append(e.traceCovariance)
            naive.append(large)
        }
        let g = meanAndStandardError(squaredNorms), t = meanAndStandardError(traces), n = meanAndStandardError(naive)
        XCTAssertEqual(g.mean, trueSquaredNorm, accuracy: 4 * g.se, "|G|² estimate is biased")
        XCTAssertEqual(t.mean, trueTrace, accuracy: 4 * t.se, "tr(Σ) estimate is biased")
        // The tolerance is tight enough to catch a bias of a few percent.
        XCTAssertLessThan(4 * g.se, 0.05 * trueSquaredNorm)
        XCTAssertLessThan(4 * t.se, 0.03 * trueTrace)
        // The test has power: the naive |G_NB|² is off by tr(Σ)/(N·B), far beyond its error.
        XCTAssertGreaterThan(abs(n.mean - trueSquaredNorm), 10 * n.se)
        XCTAssertEqual(n.mean - trueSquaredNorm, trueTrace / Double(ranks * perRank), accuracy: 4 * n.se)
    }

    /// One rank with accumulation: small batch = one micro-batch, large = all K of them.
    func testEstimatesAreUnbiasedForAccumulation() {
        var generator = TestNormalGenerator(seed: 7)
        let microBatch = 5, steps = 3, trials = 6000
        var squaredNorms: [Double] = [], traces: [Double] = []
        for _ in 0..<trials {
            // Micro-batches play the ranks' part; the first one is the small batch.
            let d = trueGradient.count
            var micro: [[Double]] = []
            for _ in 0..<steps {
                var g = [Double](repeating: 0, count: d)
                for _ in 0..<microBatch {
                    for j in 0..<d { g[j] += (trueGradient[j] + sampleStd[j] * generator.next()) / Double(microBatch) }
                }
                micro.append(g)
            }
            let total = (0..<d).map { j in micro.reduce(0) { $0 + $1[j] } / Double(steps) }
            let e = NoiseScaleEstimator.estimate(smallSquaredNorm: micro[0].reduce(0) { $0 + $1 * $1 },
                                                 largeSquaredNorm: total.reduce(0) { $0 + $1 * $1 },
                                                 smallBatch: microBatch, largeBatch: microBatch * steps)
            squaredNorms.append(e.gradientSquaredNorm)
            traces.append(e.traceCovariance)
        }
        let g = meanAndStandardError(squaredNorms), t = meanAndStandardError(traces)
        XCTAssertEqual(g.mean, trueSquaredNorm, accuracy: 4 * g.se)
        XCTAssertEqual(t.mean, trueTrace, accuracy: 4 * t.se)
    }

    func testEstimatorSolvesTheTwoBatchEquationsExactly() {
        // E|G_b|² = |G|² + tr(Σ)/b at b = 10 and 40, with |G|² = 2 and tr(Σ) = 300.
        let e = NoiseScaleEstimator.estimate(smallSquaredNorm: 2 + 300.0 / 10, largeSquaredNorm: 2 + 300.0 / 40,
                                             smallBatch: 10, largeBatch: 40)
        XCTAssertEqual(e.gradientSquaredNorm, 2, accuracy: 1e-12)
        XCTAssertEqual(e.traceCovariance, 300, accuracy: 1e-9)
        XCTAssertEqual(e.simple, 150, accuracy: 1e-9)
    }

    func testSmootherAveragesNumeratorAndDenominatorSeparately() {
        var s = NoiseScaleSmoother(decay: 0.5)
        XCTAssertNil(s.value)
        s.add(.init(gradientSquaredNorm: 1, traceCovariance: 10))
        XCTAssertEqual(s.value ?? .nan, 10, accuracy: 1e-12)
        // A noisy step with a negative |G|² estimate: the averaged |G|² is 0.5·0.5 + 0.5·(−0.5) = 0,
        // not positive, so there is no ratio (tr(Σ) averages to 0.5·5 + 0.5·30 = 17.5).
        s.add(.init(gradientSquaredNorm: -0.5, traceCovariance: 30))
        XCTAssertNil(s.value)
        // |G|²: 0.5·0 + 0.5·2 = 1; tr(Σ): 0.5·17.5 + 0.5·20 = 18.75.
        s.add(.init(gradientSquaredNorm: 2, traceCovariance: 20))
        XCTAssertEqual(s.value ?? .nan, 18.75, accuracy: 1e-12)
        s.add(.init(gradientSquaredNorm: .nan, traceCovariance: 1))
        XCTAssertEqual(s.updates, 3, "non-finite estimates are skipped")
    }
}

/// Standard normal numbers from SplitMix64 and Box–Muller: deterministic across platforms.
struct TestNormalGenerator {
    private var state: UInt64
    private var spare: Double?

    init(seed: UInt64) { state = seed }

    private mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    private mutating func uniform() -> Double { (Double(nextUInt64() >> 11) + 1) / 9_007_199_254_740_992 }

    mutating func next() -> Double {
        if let s = spare { spare = nil; return s }
        let r = (-2 * Foundation.log(uniform())).squareRoot(), theta = 2 * Double.pi * uniform()
        spare = r * sin(theta)
        return r * cos(theta)
    }
}
