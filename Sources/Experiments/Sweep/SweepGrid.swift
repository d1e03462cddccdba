import DataFormats
import Foundation
import Training

/// The dimensions a sweep varies and the values each takes. Every combination is one point.
///
/// Dimension names are `TrainingConfig` field names as in a config file (`lr`,
/// `globalBatchSize`, `activation`, `residual`, …) plus `ranks`, the number of MPI processes
/// a point runs on. Points enumerate the grid with the first dimension varying slowest, so
/// `--grid lr=0.1,0.01 --grid globalBatchSize=16,64` runs lr 0.1 at 16 and 64, then lr 0.01.
public struct SweepGrid: Equatable, Sendable {
    /// One swept field and its values, in the order given.
    public struct Dimension: Equatable, Sendable {
        /// The field name (`lr`, `globalBatchSize`, …) or `ranks`.
        public var name: String
        /// The values the field takes, in order.
        public var values: [SweepValue]
        /// A dimension from its parts.
        public init(name: String, values: [SweepValue]) {
            self.name = name
            self.values = values
        }
    }

    /// The name of the dimension that sets the number of ranks rather than a config field.
    public static let ranksDimension = "ranks"
    /// More points than this is almost surely a typo (a grid of thousands of training runs).
    public static let maximumPoints = 10_000

    /// The swept dimensions; the first varies slowest.
    public var dimensions: [Dimension]

    /// A grid of the given dimensions.
    ///
    /// - Throws: `SweepError` for an unknown or unsweepable field, a repeated dimension, or one without values.
    public init(dimensions: [Dimension]) throws {
        self.dimensions = dimensions
        try validate(source: "the grid")
    }

    /// A grid from `--grid name=v1,v2,…` flags, one dimension per flag.
    public init(flags: [String]) throws {
        var dimensions: [Dimension] = []
        for flag in flags {
            guard let equals = flag.firstIndex(of: "="), equals != flag.startIndex else {
                throw SweepError("--grid \(flag.quotedForMessage): expected name=value1,value2 (e.g. --grid lr=0.1,0.01)")
            }
            let name = String(flag[..<equals]).trimmingCharacters(in: .whitespaces)
            let list = flag[flag.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            let values = list.map { SweepValue(parsing: String($0)) }
            if values.contains(.string("")) {
                throw SweepError("--grid \(name.oneLineForMessage(limit: 60)): an empty value in \(flag.quotedForMessage); "
                                 + "separate values with single commas")
            }
            dimensions.append(Dimension(name: name, values: values))
        }
        self.dimensions = dimensions
        try validate(source: "--grid")
    }

    /// A grid from a JSON object of arrays: `{"lr": [0.1, 0.01], "ranks": [1, 2]}`. Dimensions
    /// keep the order they have in the file's text.
    public init(jsonObject: [String: Any], keyOrder: [String], source: String) throws {
        var dimensions: [Dimension] = []
        let ordered = keyOrder.filter { jsonObject[$0] != nil } + jsonObject.keys.sorted().filter { !keyOrder.contains($0) }
        for name in ordered {
            guard let list = jsonObject[name] as? [Any] else {
                throw SweepError("\(source): grid field \(name.quotedForMessage) must be an array of values, like [0.1, 0.01]")
            }
            var values: [SweepValue] = []
            for item in list {
                guard let value = SweepValue(json: item) else {
                    throw SweepError("\(source): grid field \(name.quotedForMessage) holds \("\(item)".oneLineForMessage(limit: 60)), "
                                     + "which is not a number, string, boolean or null")
                }
                values.append(value)
            }
            dimensions.append(Dimension(name: name, values: values))
        }
        self.dimensions = dimensions
        try validate(source: source)
    }

    /// The number of points: the product of the dimensions' sizes (1 for an empty grid), or
    /// `Int.max` when that overflows (a grid of twenty fields of ten values each did, and
    /// trapped; a seed of scripts/fuzz.sh grid's corpus). No grid over `maximumPoints` gets
    /// past the initializers.
    public var pointCount: Int {
        dimensions.reduce(1) { product, dimension in
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension.values.count)
            return overflow ? Int.max : next
        }
    }

    /// The dimension called `name`, if the grid has one.
    public func dimension(_ name: String) -> Dimension? { dimensions.first { $0.name == name } }

    /// Every combination, first dimension slowest: each is the (name, value) of every dimension.
    public func combinations() -> [[(name: String, value: SweepValue)]] {
        var result: [[(name: String, value: SweepValue)]] = [[]]
        for dimension in dimensions {
            result = result.flatMap { prefix in dimension.values.map { prefix + [(dimension.name, $0)] } }
        }
        return result
    }

    private func validate(source: String) throws {
        let known = Set(TrainingConfig.fieldNames + [Self.ranksDimension])
        var seen = Set<String>()
        for d in dimensions {
            guard known.contains(d.name) else {
                let all = TrainingConfig.fieldNames + [Self.ranksDimension]
                // A prefix suffices for a suggestion, and keeps a huge name from taking seconds.
                let typed = String(d.name.prefix(64))
                let suggestion = all.min { editDistance($0, typed) < editDistance($1, typed) } ?? ""
                throw SweepError("\(source): unknown field \(d.name.quotedForMessage) (did you mean '\(suggestion)'? "
                    + "grid fields are config fields as in docs/CONFIG.md, plus 'ranks')")
            }
            guard !["comparison", "runDir"].contains(d.name) else {
                throw SweepError("\(source): '\(d.name)' cannot be swept; each point gets its own run directory under the sweep's")
            }
            guard seen.insert(d.name).inserted else {
                throw SweepError("\(source): field '\(d.name)' is given twice; list all its values in one --grid \(d.name)=a,b")
            }
            guard !d.values.isEmpty else { throw SweepError("\(source): field '\(d.name)' has no values") }
            guard Set(d.values).count == d.values.count else {
                let listed = d.values.map(\.description).joined(separator: ",").oneLineForMessage(limit: 200)
                throw SweepError("\(source): field '\(d.name)' repeats a value: \(listed)")
            }
            if d.name == Self.ranksDimension {
                for v in d.values {
                    guard case let .integer(r) = v, r >= 1 else {
                        throw SweepError("\(source): ranks must be whole numbers ≥ 1, got \(v.description.quotedForMessage)")
                    }
                }
            }
        }
        guard pointCount <= Self.maximumPoints else {
            let count = pointCount == Int.max ? "more than \(Int.max)" : "\(pointCount)"
            throw SweepError("\(source): the grid has \(count) points, more than \(Self.maximumPoints); split the sweep")
        }
    }
}
