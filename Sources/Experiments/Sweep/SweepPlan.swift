import Foundation
import Training

/// A base configuration and a grid, expanded into points and checked before anything runs.
public struct SweepPlan: Sendable {
    /// The configuration every point starts from.
    public var base: TrainingConfig
    /// The swept dimensions.
    public var grid: SweepGrid
    /// The grid's points, first dimension varying slowest.
    public var points: [SweepPoint]

    /// Expands `grid` over `base`. A value of the wrong type for its field, or a point whose
    /// configuration is invalid on its own, is a `SweepError` naming the point and the field.
    /// (What depends on the data and the rank count, such as a batch that does not divide, is
    /// found when the point runs, and recorded as that point's failure.)
    public init(base: TrainingConfig, grid: SweepGrid) throws {
        var base = base
        base.comparison = nil  // a sweep is the general form of a built-in comparison
        base.runDir = nil
        self.base = base
        self.grid = grid
        let baseObject = try Self.explicitObject(base)
        var points: [SweepPoint] = []
        var usedNames = Set<String>()
        for combination in grid.combinations() {
            var object = baseObject
            var ranks = 1
            for (name, value) in combination {
                if name == SweepGrid.ranksDimension {
                    if case let .integer(r) = value { ranks = r }
                    continue
                }
                object[name] = value.jsonObject
                // A global batch in the grid means the batch is global, as --global-batch-size does.
                if name == "globalBatchSize", value != .null, grid.dimension("batchSize") == nil { object["batchSize"] = NSNull() }
            }
            var name = Self.pointName(combination)
            if usedNames.contains(name) { name += "_\(points.count + 1)" }
            usedNames.insert(name)
            let source = "sweep point \(name)"
            let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            var config: TrainingConfig
            do {
                config = try TrainingConfig().overlaying(json: json, source: source)
                try config.validate()
            } catch let error as ConfigError {
                let message = error.message.hasPrefix(source) ? error.message : "\(source): \(error.message)"
                throw SweepError(message)
            }
            config.runDir = nil
            points.append(SweepPoint(name: name, assignments: combination.map { .init(name: $0.name, value: $0.value) },
                                     ranks: ranks, config: config, configJSON: json + Data("\n".utf8)))
        }
        self.points = points
    }

    /// The configuration as a JSON object with every field present; unset optionals are null.
    static func explicitObject(_ config: TrainingConfig) throws -> [String: Any] {
        let data = try JSONEncoder().encode(config)
        var object = (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        for field in TrainingConfig.fieldNames where object[field] == nil { object[field] = NSNull() }
        return object
    }

    /// A file-system-safe name from the grid values: `lr0.1_globalBatchSize16_ranks2`; `base`
    /// for an empty grid.
    static func pointName(_ combination: [(name: String, value: SweepValue)]) -> String {
        guard !combination.isEmpty else { return "base" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-")
        return combination.map { name, value in
            let text = String(value.description.map { allowed.contains($0) ? $0 : "-" })
            return name + String(text.prefix(40))
        }.joined(separator: "_")
    }
}
