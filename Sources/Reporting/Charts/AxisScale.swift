import Foundation

/// Maps data values to pixel positions along one axis, and chooses its ticks.
///
/// Linear axes extend the data range to "nice" bounds (multiples of 1, 2 or 5 × 10ᵏ);
/// logarithmic axes extend it to whole decades and label every decade, or every n-th when
/// there are too many to fit.
struct AxisScale {
    /// One tick: a grid line, labelled or not.
    struct Tick {
        var value: Double
        /// nil for a minor (unlabelled) tick.
        var label: String?
    }

    let isLogarithmic: Bool
    /// The domain bounds; for a log axis, positive values (not exponents).
    let lower: Double
    let upper: Double
    /// The pixel positions of `lower` and `upper`; `rangeEnd < rangeStart` for a y axis.
    let rangeStart: Double
    let rangeEnd: Double
    let ticks: [Tick]

    /// The pixel position of `value`; values outside the domain map outside the range.
    func position(_ value: Double) -> Double {
        let fraction: Double
        if isLogarithmic {
            fraction = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            fraction = (value - lower) / (upper - lower)
        }
        return rangeStart + fraction * (rangeEnd - rangeStart)
    }

    /// Whether `value` can be placed on this axis (finite, and positive on a log axis).
    func accepts(_ value: Double) -> Bool {
        value.isFinite && (!isLogarithmic || value > 0)
    }

    /// A linear axis over `dataRange` (nil when there is no data) with about `tickCount`
    /// labelled ticks; `includeZero` pulls the range to zero (bar charts).
    static func linear(dataRange: ClosedRange<Double>?, pixels: (Double, Double), tickCount: Int,
                       includeZero: Bool = false) -> AxisScale {
        var low = dataRange?.lowerBound ?? 0
        var high = dataRange?.upperBound ?? 1
        if includeZero {
            low = Swift.min(low, 0)
            high = Swift.max(high, 0)
        }
        if high - low <= Swift.max(abs(low), abs(high)) * 1e-12 {
            // A flat series: open a window around it so the line sits mid-plot.
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = includeZero && low >= 0 ? (0, high + pad) : (low - pad, high + pad)
        }
        let step = niceStep((high - low) / Double(Swift.max(tickCount, 1)))
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        let ticks = stride(from: first, through: last, by: 1).map { k in
            Tick(value: k * step, label: NumberLabel.tick(k * step, step: step))
        }
        return AxisScale(isLogarithmic: false, lower: first * step, upper: last * step,
                         rangeStart: pixels.0, rangeEnd: pixels.1, ticks: ticks)
    }

    /// A logarithmic axis over the positive `dataRange` (nil when there is no positive data)
    /// with at most about `tickCount` labelled ticks.
    ///
    /// The domain hugs the data (a 4 % margin in log space). Over a few decades ticks sit at
    /// 1, 2 and 5 × 10ᵏ; over more, at powers of ten, labelled every n-th when they crowd.
    /// When no two such ticks fall inside a narrow range, the domain widens to whole decades.
    static func logarithmic(dataRange: ClosedRange<Double>?, pixels: (Double, Double), tickCount: Int) -> AxisScale {
        var low = log10(dataRange?.lowerBound ?? 1)
        var high = log10(dataRange?.upperBound ?? 10)
        if high - low < 1e-9 {
            low -= 0.5
            high += 0.5
        }
        let margin = (high - low) * 0.04
        var ticks = logTicks(low: low - margin, high: high + margin, tickCount: tickCount)
        var (lower, upper) = (pow(10, low - margin), pow(10, high + margin))
        if ticks.filter({ $0.label != nil }).count < 2 {
            let (lowPower, highPower) = (low.rounded(.down), high.rounded(.up))
            ticks = logTicks(low: lowPower, high: highPower, tickCount: tickCount)
            (lower, upper) = (pow(10, lowPower), pow(10, highPower))
        }
        return AxisScale(isLogarithmic: true, lower: lower, upper: upper,
                         rangeStart: pixels.0, rangeEnd: pixels.1, ticks: ticks)
    }

    /// The ticks between 10^`low` and 10^`high` (exponents), in increasing order.
    private static func logTicks(low: Double, high: Double, tickCount: Int) -> [Tick] {
        let lowPower = Int(low.rounded(.down))
        let highPower = Int(high.rounded(.up))
        let inside = { (value: Double) in
            let exponent = log10(value)
            return exponent >= low - 1e-9 && exponent <= high + 1e-9
        }
        // 1-2-5 ticks, when few enough of them fall inside to label them all.
        let dense = (lowPower...highPower).flatMap { power in
            [1, 2, 5].map { Tick(value: Double($0) * pow(10, Double(power)), label: NumberLabel.power(mantissa: $0, power)) }
        }.filter { inside($0.value) }
        if dense.count >= 2, dense.count <= tickCount + 2 {
            return dense
        }
        let decades = (lowPower...highPower).filter { inside(pow(10, Double($0))) }
        let labelEvery = Swift.max(1, Int((Double(decades.count) / Double(Swift.max(tickCount, 1))).rounded(.up)))
        return decades.map { power in
            // Labels step from a multiple of the stride, so they do not shift as data grows.
            let labelled = power.isMultiple(of: labelEvery)
            return Tick(value: pow(10, Double(power)), label: labelled ? NumberLabel.power(mantissa: 1, power) : nil)
        }
    }

    /// The smallest of 1, 2, 5 × 10ᵏ that is at least `raw`.
    private static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, log10(raw).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= raw * (1 - 1e-9) {
            return multiple * magnitude
        }
        return 10 * magnitude
    }

    /// The finite values of `values` that a log (or linear) axis can show, as a range.
    static func range(of values: [Double], logarithmic: Bool) -> ClosedRange<Double>? {
        var low = Double.infinity
        var high = -Double.infinity
        for value in values where value.isFinite && (!logarithmic || value > 0) {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        return low <= high ? low...high : nil
    }
}
