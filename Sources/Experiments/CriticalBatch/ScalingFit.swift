import Foundation

/// The fit of McCandlish et al. 2018 ("An Empirical Model of Large-Batch Training") to the
/// median steps to target per batch: S(B) = S_min·(1 + B_crit/B), with bootstrap intervals.
///
/// The model is linear in 1/B: S = a + b/B with a = S_min (the fewest steps, at infinite batch)
/// and b = E_min = S_min·B_crit (the fewest examples, at batch → 0), so B_crit = E_min/S_min.
/// It is fitted by weighted least squares with weights 1/S² (relative errors: the spread of
/// steps over seeds grows with the steps) under a > 0, b ≥ 0:
///
/// - `.fitted`: both constraints hold; every estimate is finite.
/// - `.noCriticalBatch`: the unconstrained slope was negative (steps did not fall with batch);
///   b = 0, so E_min = 0 and B_crit = 0, and S_min is the weighted mean.
/// - `.unboundedCriticalBatch`: the unconstrained intercept was ≤ 0 (steps fell like 1/B over the
///   whole range — perfect scaling); there is no finite S_min to report, so `sMin` and `bCrit`
///   are nil, and B_crit lies beyond the largest batch measured. `eMin` is the fitted b.
/// - `.insufficientData`: fewer than two batches had a finite (uncensored) median.
///
/// Batches whose median is censored are excluded and listed in `excludedBatches`: their median is
/// only a lower bound, and fitting it as if it were the value would pull S_min down. The
/// intervals refit on every bootstrap resample — seeds resampled within each batch, medians
/// recomputed, the same exclusion rule applied — and take percentiles; a resample fitted on the
/// a = 0 boundary contributes S_min = 0 and B_crit = +∞, so the intervals stay honest about it.
public struct ScalingFit: Sendable, Hashable, Codable {
    /// Which constrained solution the point estimate is.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Both constraints hold; every estimate is finite.
        case fitted
        /// Steps did not fall with batch: E_min = B_crit = 0.
        case noCriticalBatch
        /// Steps fell like 1/B throughout: B_crit lies beyond the largest batch measured.
        case unboundedCriticalBatch
        /// Fewer than two batches had an uncensored median.
        case insufficientData
    }

    /// One (batch, median steps) point used in the fit.
    public struct Point: Sendable, Hashable, Codable {
        /// The batch size.
        public var batch: Int
        /// Its (finite) median steps to target over seeds.
        public var medianSteps: Double
    }

    /// Which constrained solution the point estimate is (see the type's summary).
    public var status: Status
    /// The points fitted, ascending by batch.
    public var points: [Point]
    /// Batches left out because their median steps was censored, ascending.
    public var excludedBatches: [Int]
    /// S_min: the fewest optimizer steps (B → ∞). Nil for `.unboundedCriticalBatch` and `.insufficientData`.
    public var sMin: Double?
    /// E_min = S_min·B_crit: the fewest examples (B → 0). Nil only for `.insufficientData`.
    public var eMin: Double?
    /// B_crit = E_min/S_min. Nil for `.unboundedCriticalBatch` (+∞) and `.insufficientData`.
    public var bCrit: Double?
    /// The percentile bootstrap interval of S_min (nil ends = +∞); nil when no resample could be fitted.
    /// Resamples with no finite S_min count as 0 in it.
    public var sMinInterval: PercentileInterval?
    /// The interval of E_min, likewise.
    public var eMinInterval: PercentileInterval?
    /// The interval of B_crit; a nil upper end means some resamples had no finite critical batch.
    public var bCritInterval: PercentileInterval?
    /// How many bootstrap resamples were drawn.
    public var resamples: Int
    /// Resamples in which at least one batch of the point fit had a censored resampled median
    /// and so was dropped from that resample's fit.
    public var resamplesDroppingBatch: Int
    /// Resamples with fewer than two uncensored batches, left out of the intervals.
    public var unfittableResamples: Int

    /// Fits `summaries` (one per batch; their per-seed outcomes are what the bootstrap
    /// resamples), with `resamples` bootstrap resamples from a generator seeded by `seed`.
    public init(summaries: [StepsSummary], resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 0) {
        precondition(resamples >= 1 && level > 0 && level < 1)
        let sorted = summaries.sorted { $0.batch < $1.batch }
        precondition(Set(sorted.map(\.batch)).count == sorted.count, "ScalingFit: one summary per batch")
        precondition(sorted.allSatisfy { $0.batch > 0 }, "ScalingFit: batches must be positive")

        points = sorted.compactMap { s in s.median.map { Point(batch: s.batch, medianSteps: $0) } }
        excludedBatches = sorted.filter(\.isCensored).map(\.batch)
        let estimate = Self.estimate(batches: points.map(\.batch), steps: points.map(\.medianSteps))
        status = estimate.status
        sMin = estimate.status == .unboundedCriticalBatch ? nil : estimate.sMin
        eMin = estimate.eMin
        bCrit = estimate.bCrit.flatMap { $0.isFinite ? $0 : nil }

        // The bootstrap: resample seeds within each batch, recompute every median, refit.
        var rng = SeededGenerator(seed: seed)
        let values = sorted.map { $0.outcomes.map(\.stepsOrInfinity) }
        var scratch = values
        let fitted = Set(points.map(\.batch))
        var sMins = [Double](), eMins = [Double](), bCrits = [Double]()
        var dropping = 0, unfittable = 0
        var batches = [Int](), steps = [Double]()
        for _ in 0..<resamples {
            batches.removeAll(keepingCapacity: true); steps.removeAll(keepingCapacity: true)
            var dropped = false
            for (i, summary) in sorted.enumerated() {
                let m = StepsSummary.resampledMedian(values[i], into: &scratch[i], using: &rng)
                if m.isFinite {
                    batches.append(summary.batch); steps.append(m)
                } else if fitted.contains(summary.batch) {
                    dropped = true
                }
            }
            if dropped { dropping += 1 }
            let e = Self.estimate(batches: batches, steps: steps)
            guard e.status != .insufficientData, let s = e.sMin, let em = e.eMin, let bc = e.bCrit else {
                unfittable += 1
                continue
            }
            sMins.append(s); eMins.append(em); bCrits.append(bc)
        }
        self.resamples = resamples
        resamplesDroppingBatch = dropping
        unfittableResamples = unfittable
        if sMins.isEmpty {
            sMinInterval = nil; eMinInterval = nil; bCritInterval = nil
        } else {
            sMinInterval = .percentile(of: sMins, level: level)
            eMinInterval = .percentile(of: eMins, level: level)
            bCritInterval = .percentile(of: bCrits, level: level)
        }
    }

    /// The model's steps at `batch`: S_min + E_min/B (nil without a fit; for
    /// `.unboundedCriticalBatch`, E_min/B).
    public func predictedSteps(batch: Double) -> Double? {
        guard let eMin else { return nil }
        return (sMin ?? 0) + eMin / batch
    }

    /// The point estimate for one set of (batch, finite median) points. For the a = 0 boundary
    /// sMin is 0 and bCrit +∞, which is what the bootstrap percentiles need.
    static func estimate(batches: [Int], steps: [Double])
        -> (status: Status, sMin: Double?, eMin: Double?, bCrit: Double?) {
        guard let line = ReciprocalLineFit(x: batches.map { 1 / Double($0) }, y: steps) else {
            return (.insufficientData, nil, nil, nil)
        }
        switch line.kind {
        case .interior: return (.fitted, line.a, line.b, line.b / line.a)
        case .flat: return (.noCriticalBatch, line.a, 0, 0)
        case .noIntercept: return (.unboundedCriticalBatch, 0, line.b, .infinity)
        }
    }
}
