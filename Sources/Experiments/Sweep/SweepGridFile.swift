import DataFormats
import Foundation
import Training

/// A sweep described in a JSON file (`--grid-file`):
///
/// ```json
/// {"preset": "teacher-regression",
///  "base": {"epochs": 5, "samples": 512},
///  "grid": {"lr": [0.1, 0.01], "globalBatchSize": [16, 64], "ranks": [1, 2]}}
/// ```
///
/// `preset` and `base` are optional. Settings resolve in this order, each overriding the one
/// before: the preset (`--preset` on the command line wins over the file's), `--config`, the
/// file's `base`, then command-line flags. Grid dimensions keep the order they have in the file.
public struct SweepGridFile: Sendable {
    /// The file read, for messages.
    public var path: String
    /// The file's `preset`, if any.
    public var preset: String?
    /// The `base` object as JSON (empty object when absent).
    public var base: Data
    /// The file's `grid`, dimensions in file order.
    public var grid: SweepGrid

    /// Reads and checks the file: known top-level keys, known config fields in `base` with
    /// values of the right type, and a well-formed grid.
    public init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SweepError("\(path): cannot read the grid file (\(TrainingConfig.reason(error)))")
        }
        try self.init(data: data, path: path)
    }

    /// Checks a grid file's contents as `init(path:)` does, naming it `path` in messages: for a
    /// file already in memory (and for fuzzing).
    public init(data: Data, path: String) throws {
        self.path = path
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw SweepError("\(path): not valid JSON (\(TrainingConfig.reason(error)))")
        }
        guard let object = parsed as? [String: Any] else {
            throw SweepError("\(path): expected a JSON object like {\"base\": {…}, \"grid\": {\"lr\": [0.1, 0.01]}}")
        }
        for key in object.keys.sorted() where !["base", "grid", "preset"].contains(key) {
            throw SweepError("\(path): unknown key \(key.quotedForMessage); a grid file has 'grid', and optionally 'base' and 'preset'")
        }
        if let p = object["preset"] {
            guard let name = p as? String else { throw SweepError("\(path): 'preset' must be a string, like \"teacher-regression\"") }
            _ = try Self.convert(path) { try Preset.config(named: name) }
            preset = name
        }
        let baseObject = object["base"] ?? [String: Any]()
        guard let baseDictionary = baseObject as? [String: Any] else {
            throw SweepError("\(path): 'base' must be an object of config fields, like {\"epochs\": 5}")
        }
        for key in ["comparison", "runDir"] where Self.byFieldName(baseDictionary)[key] != nil {
            throw SweepError("\(path): base: '\(key)' cannot be set in a sweep; each point gets its own run directory")
        }
        let baseData = try JSONSerialization.data(withJSONObject: baseDictionary, options: [.sortedKeys])
        _ = try Self.convert(path) { try TrainingConfig().overlaying(json: baseData, source: "\(path): base") }
        base = baseData
        guard let gridObject = object["grid"] as? [String: Any] else {
            throw SweepError("\(path): needs a 'grid' object of arrays, like {\"lr\": [0.1, 0.01], \"ranks\": [1, 2]}")
        }
        // The order only matters for a grid of known fields; finding it for thousands of unknown
        // keys would search the text thousands of times, and the grid refuses them anyway.
        let known = Set(TrainingConfig.fieldNames + [SweepGrid.ranksDimension])
        let order = gridObject.keys.allSatisfy(known.contains) ? Self.keyOrder(of: gridObject.keys, in: data, after: "\"grid\"") : []
        grid = try SweepGrid(jsonObject: gridObject, keyOrder: order, source: "\(path): grid")
    }

    /// The JSON for `--config`: the user's config file (if any) with `base` laid over it.
    public func mergedConfig(userConfigPath: String?) throws -> Data {
        var merged: [String: Any] = [:]
        if let userConfigPath {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: userConfigPath)) } catch {
                throw SweepError("\(userConfigPath): cannot read the config file (\(TrainingConfig.reason(error)))")
            }
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw SweepError("\(userConfigPath): expected a JSON object of settings, like {\"lr\": 0.01}")
            }
            merged = Self.byFieldName(object)
        }
        let baseObject = (try? JSONSerialization.jsonObject(with: base)) as? [String: Any] ?? [:]
        merged.merge(Self.byFieldName(baseObject)) { _, new in new }
        return try JSONSerialization.data(withJSONObject: merged, options: [.prettyPrinted, .sortedKeys])
    }

    /// The object with each key that names a field in either spelling (`global-batch-size`,
    /// `globalBatchSize`) under its field name, so that the file's `base` overrides the user's
    /// config whichever way each spelled it. Unknown keys stay, for the overlay to refuse.
    static func byFieldName(_ object: [String: Any]) -> [String: Any] {
        Dictionary(object.map { (ConfigKeySpelling.fieldName(for: $0.key) ?? $0.key, $0.value) }) { _, last in last }
    }

    /// The keys in the order they first appear in the file's text after `marker`, so the grid's
    /// dimensions keep the author's order (JSONSerialization does not keep it).
    static func keyOrder(of keys: Dictionary<String, Any>.Keys, in data: Data, after marker: String) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        let start = text.range(of: marker)?.upperBound ?? text.startIndex
        let tail = text[start...]
        return keys.map { key in (key, tail.range(of: "\"\(key)\"")?.lowerBound ?? tail.endIndex) }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    private static func convert<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ConfigError {
            throw SweepError(error.message.hasPrefix(path) ? error.message : "\(path): \(error.message)")
        }
    }
}
