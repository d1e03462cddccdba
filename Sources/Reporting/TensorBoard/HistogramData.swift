/// The summary statistics and buckets of a TensorBoard histogram (`HistogramProto`).
///
/// Bucket `i` counts the values below `bucketLimits[i]` and at or above the previous limit
/// (or `min` for the first). TensorBoard draws the last bucket's right edge at `max`, so the
/// last limit may be `Double.greatestFiniteMagnitude`, as TensorFlow writes it.
public struct HistogramData: Equatable, Sendable {
    /// The smallest value.
    public var min: Double
    /// The largest value.
    public var max: Double
    /// How many values the histogram holds.
    public var count: Double
    /// The sum of the values.
    public var sum: Double
    /// The sum of the squared values.
    public var sumOfSquares: Double
    /// The right edge of each bucket, increasing.
    public var bucketLimits: [Double]
    /// How many values fall in each bucket; as long as `bucketLimits`.
    public var bucketCounts: [Double]

    /// A histogram from its fields, as stored in an event file.
    public init(min: Double, max: Double, count: Double, sum: Double, sumOfSquares: Double,
                bucketLimits: [Double], bucketCounts: [Double]) {
        self.min = min
        self.max = max
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.bucketLimits = bucketLimits
        self.bucketCounts = bucketCounts
    }

    /// The histogram of `values` with `bucketCount` equal-width buckets spanning min...max.
    ///
    /// Non-finite values (NaN, ±infinity) are left out of every field: one NaN would otherwise
    /// turn min, max and sum into NaN and hide the shape of the rest. Callers that care about
    /// them should count them separately. With no finite values the histogram is empty (all
    /// fields zero, one empty bucket); when all values are equal there is a single bucket.
    ///
    /// - Precondition: `bucketCount >= 1`.
    public init(values: [Float], bucketCount: Int = 30) {
        precondition(bucketCount >= 1, "a histogram needs at least one bucket")
        var low = Double.infinity
        var high = -Double.infinity
        var count = 0
        var sum = 0.0
        var sumOfSquares = 0.0
        for value in values where value.isFinite {
            let v = Double(value)
            low = Swift.min(low, v)
            high = Swift.max(high, v)
            count += 1
            sum += v
            sumOfSquares += v * v
        }
        guard count > 0 else {
            self.init(min: 0, max: 0, count: 0, sum: 0, sumOfSquares: 0,
                      bucketLimits: [.greatestFiniteMagnitude], bucketCounts: [0])
            return
        }
        let width = (high - low) / Double(bucketCount)
        // Equal values, or a span so narrow that rounding could make the edges collide, get
        // one bucket: TensorBoard requires strictly increasing limits.
        let buckets = width > 4 * Swift.max(abs(low), abs(high)).ulp ? bucketCount : 1
        var limits = (1..<buckets).map { low + Double($0) * width }
        limits.append(.greatestFiniteMagnitude)
        var counts = [Double](repeating: 0, count: buckets)
        for value in values where value.isFinite {
            let position = buckets == 1 ? 0 : ((Double(value) - low) / width).rounded(.down)
            // The maximum lands exactly on the top edge; it belongs to the last bucket.
            counts[Swift.min(buckets - 1, Swift.max(0, Int(position)))] += 1
        }
        self.init(min: low, max: high, count: Double(count), sum: sum, sumOfSquares: sumOfSquares,
                  bucketLimits: limits, bucketCounts: counts)
    }
}
