import Foundation

/// A percentile bootstrap interval whose ends may be censored.
///
/// A nil end means +∞: the bound is censored — at least as large as any finite number (for
/// steps: the resampled medians at that percentile did not reach the target; for B_crit: the
/// resampled fits had no finite critical batch). The quantities bootstrapped here are never
/// negative, so −∞ never occurs and nil is unambiguous. Both ends nil means the whole interval
/// is censored.
public struct PercentileInterval: Sendable, Hashable, Codable {
    /// The lower end; nil = +∞ (censored).
    public var lower: Double?
    /// The upper end; nil = +∞ (unbounded or censored).
    public var upper: Double?
    /// The coverage the interval aims at, e.g. 0.95.
    public var level: Double

    /// An interval with the given ends (nil = +∞) at coverage `level`.
    public init(lower: Double?, upper: Double?, level: Double) {
        self.lower = lower; self.upper = upper; self.level = level
    }

    /// Whether `value` (which may be +∞) lies in the closed interval.
    public func contains(_ value: Double) -> Bool {
        let lo = lower ?? .infinity, hi = upper ?? .infinity
        return value >= lo && value <= hi
    }

    /// The `level` percentile interval of `values` (+∞ allowed; NaN is not), by linear
    /// interpolation between order statistics (Hyndman & Fan type 7, the usual default). An
    /// interpolation that touches +∞ is +∞, except at a weight of exactly zero.
    static func percentile(of values: [Double], level: Double) -> PercentileInterval {
        precondition(!values.isEmpty, "a percentile interval needs at least one value")
        precondition(!values.contains { $0.isNaN }, "NaN in bootstrap values")
        let sorted = values.sorted()
        let tail = (1 - level) / 2
        func quantile(_ p: Double) -> Double? {
            let h = p * Double(sorted.count - 1)
            let i = Int(h.rounded(.down))
            let w = h - Double(i)
            let lo = sorted[i]
            let value: Double
            if w == 0 || i + 1 >= sorted.count { value = lo } else {
                let hi = sorted[i + 1]
                value = hi.isInfinite ? .infinity : lo + w * (hi - lo)
            }
            return value.isFinite ? value : nil
        }
        return PercentileInterval(lower: quantile(tail), upper: quantile(1 - tail), level: level)
    }
}
