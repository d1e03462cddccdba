import Foundation

/// The fit of the optimal learning rate against batch, ε_opt(B) = ε_max/(1 + B_noise/B)
/// (McCandlish et al. 2018), to the tuned learning rates, with bootstrap intervals.
///
/// 1/ε is linear in 1/B: 1/ε = 1/ε_max + (B_noise/ε_max)/B. It is fitted like `ScalingFit`, by
/// weighted least squares with relative (1/y²) weights under 1/ε_max > 0, B_noise/ε_max ≥ 0:
///
/// - `.fitted`: finite ε_max and B_noise.
/// - `.noNoiseScale`: the tuned rate did not grow with batch; B_noise = 0 and ε_max is the
///   (weighted harmonic) mean rate.
/// - `.unboundedNoiseScale`: the tuned rate grew like B over the whole range (linear scaling never
///   saturated); ε_max and B_noise are beyond what was measured, so both are nil.
/// - `.insufficientData`: fewer than two batches.
///
/// The bootstrap has to reflect two sources of uncertainty, and does both in each resample:
/// the scatter of the batches about the curve — the batches are resampled with replacement (the
/// pairs bootstrap, which assumes nothing about the noise) — and the grid: a search only locates
/// the optimum to within half a grid step, so each drawn point's log ε is moved uniformly within
/// half the log distance to its lower and upper neighbours. Resamples with fewer than two
/// distinct batches cannot be fitted and are counted, not used. A resample on the unbounded
/// boundary contributes ε_max = B_noise = +∞, so the intervals' nil (+∞) ends say so.
public struct NoiseScaleFit: Sendable, Hashable, Codable {
    /// Which constrained solution the point estimate is.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Finite ε_max and B_noise.
        case fitted
        /// The tuned rate did not grow with batch: B_noise = 0.
        case noNoiseScale
        /// The tuned rate grew like B throughout: ε_max and B_noise are beyond the range measured.
        case unboundedNoiseScale
        /// Fewer than two batches.
        case insufficientData
    }

    /// Which constrained solution the point estimate is (see the type's summary).
    public var status: Status
    /// The points fitted, ascending by batch.
    public var points: [TunedLearningRate]
    /// ε_max: the optimal learning rate as B → ∞.
    public var epsilonMax: Double?
    /// B_noise: the batch at which the optimal rate is half of ε_max.
    public var bNoise: Double?
    /// The percentile bootstrap interval of ε_max (nil ends = +∞); nil when no resample could be fitted.
    public var epsilonMaxInterval: PercentileInterval?
    /// The interval of B_noise (nil ends = +∞); nil when no resample could be fitted.
    public var bNoiseInterval: PercentileInterval?
    /// How many bootstrap resamples were drawn.
    public var resamples: Int
    /// Resamples with fewer than two distinct batches, left out of the intervals.
    public var unfittableResamples: Int

    /// Fits `tuned` (one per batch) with `resamples` bootstrap resamples seeded by `seed`.
    public init(tuned: [TunedLearningRate], resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 0) {
        precondition(resamples >= 1 && level > 0 && level < 1)
        let sorted = tuned.sorted { $0.batch < $1.batch }
        precondition(Set(sorted.map(\.batch)).count == sorted.count, "NoiseScaleFit: one learning rate per batch")
        points = sorted
        let e = Self.estimate(batches: sorted.map(\.batch), rates: sorted.map(\.learningRate))
        status = e.status
        epsilonMax = e.epsilonMax.flatMap { $0.isFinite ? $0 : nil }
        bNoise = e.bNoise.flatMap { $0.isFinite ? $0 : nil }

        var rng = SeededGenerator(seed: seed)
        var maxes = [Double](), noises = [Double](), unfittable = 0
        let n = sorted.count
        for _ in 0..<resamples where n > 0 {
            var batches = [Int](), rates = [Double]()
            for _ in 0..<n {
                let p = sorted[rng.index(below: n)]
                // Uniform in log ε over [midpoint to lower neighbour, midpoint to upper neighbour].
                let down = p.lowerNeighbour.map { log(p.learningRate / $0) / 2 } ?? 0
                let up = p.upperNeighbour.map { log($0 / p.learningRate) / 2 } ?? 0
                let u = rng.unit()
                batches.append(p.batch)
                rates.append(p.learningRate * exp(-down + u * (down + up)))
            }
            let r = Self.estimate(batches: batches, rates: rates)
            guard r.status != .insufficientData, let m = r.epsilonMax, let b = r.bNoise else {
                unfittable += 1
                continue
            }
            maxes.append(m); noises.append(b)
        }
        self.resamples = resamples
        unfittableResamples = n == 0 ? resamples : unfittable
        epsilonMaxInterval = maxes.isEmpty ? nil : .percentile(of: maxes, level: level)
        bNoiseInterval = noises.isEmpty ? nil : .percentile(of: noises, level: level)
    }

    /// The model's optimal learning rate at `batch` (nil without a finite fit).
    public func predictedLearningRate(batch: Double) -> Double? {
        guard let epsilonMax, let bNoise else { return nil }
        return epsilonMax / (1 + bNoise / batch)
    }

    /// The point estimate; +∞ for both on the unbounded boundary, as the percentiles need.
    static func estimate(batches: [Int], rates: [Double]) -> (status: Status, epsilonMax: Double?, bNoise: Double?) {
        guard let line = ReciprocalLineFit(x: batches.map { 1 / Double($0) }, y: rates.map { 1 / $0 }) else {
            return (.insufficientData, nil, nil)
        }
        switch line.kind {
        case .interior: return (.fitted, 1 / line.a, line.b / line.a)
        case .flat: return (.noNoiseScale, 1 / line.a, 0)
        case .noIntercept: return (.unboundedNoiseScale, .infinity, .infinity)
        }
    }
}
