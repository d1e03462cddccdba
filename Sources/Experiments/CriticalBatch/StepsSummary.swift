import Foundation

/// The steps to target at one batch size, summarised over seeds: a median that honours
/// censoring, and a percentile bootstrap interval over resampled seeds.
///
/// A seed that did not reach the target (censored, diverged or stopped) counts as +∞, so it
/// sorts above every seed that did. The median is therefore itself censored when half or more of
/// the seeds did not reach the target (with an even count the median averages the two middle
/// values, and one of them is +∞). A censored median is reported as `median == nil`, with
/// `medianLowerBound` — the median with every unfinished seed at the step where it ended, a
/// valid lower bound because each such seed would have needed at least that many steps.
///
/// The interval's ends use `PercentileInterval`'s convention: nil = +∞ (censored).
public struct StepsSummary: Sendable, Hashable, Codable {
    /// The (global) batch size.
    public var batch: Int
    /// One outcome per seed, in the order given.
    public var outcomes: [TrialOutcome]
    /// The median steps to target; nil when censored (half or more seeds did not reach the target).
    public var median: Double?
    /// The median with unfinished seeds at the step where they ended: equal to `median` when that
    /// is finite, and a lower bound on the true median when it is censored.
    public var medianLowerBound: Double
    /// The percentile bootstrap interval of the median over resampled seeds (nil ends = +∞).
    public var interval: PercentileInterval
    /// How many bootstrap resamples were drawn.
    public var resamples: Int

    /// How many seeds reached the target.
    public var reachedCount: Int { outcomes.filter(\.reachedTarget).count }
    /// Whether the median is censored (and so a lower bound only).
    public var isCensored: Bool { median == nil }

    /// Summarises `outcomes` (one per seed, at least one) at `batch`, with `resamples` bootstrap
    /// resamples of the seeds drawn from a generator seeded by `seed`.
    public init(batch: Int, outcomes: [TrialOutcome], resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 0) {
        precondition(!outcomes.isEmpty, "StepsSummary needs at least one seed's outcome (batch \(batch))")
        precondition(resamples >= 1 && level > 0 && level < 1)
        self.batch = batch
        self.outcomes = outcomes
        let values = outcomes.map(\.stepsOrInfinity)
        let m = Self.median(values)
        median = m.isFinite ? m : nil
        medianLowerBound = Self.median(outcomes.map { Double($0.steps) })
        self.resamples = resamples
        var rng = SeededGenerator(seed: seed)
        var medians = [Double]()
        medians.reserveCapacity(resamples)
        var scratch = values
        for _ in 0..<resamples {
            medians.append(Self.resampledMedian(values, into: &scratch, using: &rng))
        }
        interval = .percentile(of: medians, level: level)
    }

    /// The median of `values` (+∞ allowed): the mean of the two middle values for an even count,
    /// +∞ when either of them is.
    static func median(_ values: [Double]) -> Double {
        var v = values
        return medianInPlace(&v)
    }

    static func medianInPlace(_ v: inout [Double]) -> Double {
        v.sort()
        let n = v.count
        if n % 2 == 1 { return v[n / 2] }
        let lo = v[n / 2 - 1], hi = v[n / 2]
        return hi.isInfinite ? .infinity : (lo + hi) / 2
    }

    /// The median of one resample (with replacement, same size) of `values`; `scratch` must have
    /// `values.count` elements and is overwritten, so a bootstrap loop allocates nothing.
    static func resampledMedian(_ values: [Double], into scratch: inout [Double],
                                using rng: inout SeededGenerator) -> Double {
        for i in values.indices { scratch[i] = values[rng.index(below: values.count)] }
        return medianInPlace(&scratch)
    }
}
