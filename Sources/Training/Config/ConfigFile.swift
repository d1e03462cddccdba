import DataFormats
import Foundation

extension TrainingConfig {
    /// The configuration with the fields of a JSON config file laid over it.
    ///
    /// Only the fields present in the file change. Keys may be field names (`globalBatchSize`) or
    /// the flags' kebab case (`global-batch-size`). An unknown field, a value of the wrong type
    /// or malformed JSON is a `ConfigError` naming the file and the field.
    public func overlaying(jsonFile path: String) throws -> TrainingConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError("\(path): cannot read the config file (\(Self.reason(error)))")
        }
        guard data.count <= 16 << 20 else {
            throw ConfigError("\(path): config file is \(data.count) bytes; a config is a small JSON object")
        }
        return try overlaying(json: data, source: path)
    }

    /// Lays the fields of the JSON object in `json` over this configuration.
    public func overlaying(json: Data, source: String) throws -> TrainingConfig {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: json, options: [])
        } catch {
            throw ConfigError("\(source): not valid JSON (\(Self.reason(error)))")
        }
        guard let overrides = parsed as? [String: Any] else {
            throw ConfigError("\(source): expected a JSON object of settings, like {\"lr\": 0.01}")
        }
        let encoder = JSONEncoder()
        let base = try JSONSerialization.jsonObject(with: try encoder.encode(self)) as? [String: Any] ?? [:]
        let known = Set(TrainingConfig.fieldNames)
        var merged = base
        var spelledAs: [String: String] = [:]
        // Sorted, so that of two spellings of one field the same one is named every time.
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let field = ConfigKeySpelling.fieldName(for: key), known.contains(field) else {
                let suggestion = ConfigKeySpelling.suggestion(for: key)
                throw ConfigError("\(source): unknown field \(key.quotedForMessage) (did you mean '\(suggestion)'? see docs/CONFIG.md)")
            }
            if let other = spelledAs[field] {
                throw ConfigError("\(source): '\(other)' and '\(key)' are the same field; give it once")
            }
            spelledAs[field] = key
            merged[field] = value
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: merged)
            return try JSONDecoder().decode(TrainingConfig.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw ConfigError("\(source): field '\(Self.path(context))' must be \(Self.describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ConfigError("\(source): field '\(Self.path(context))' must be \(Self.describe(type)), not null")
        } catch let DecodingError.dataCorrupted(context) where context.underlyingError is ConfigError {
            // A choice field's unknown value: the message already names the field and the valid values.
            throw ConfigError("\(source): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError("\(source): field '\(Self.path(context))': \(context.debugDescription)")
        } catch {
            throw ConfigError("\(source): \(Self.reason(error))")
        }
    }

    /// Every field name a config file may use.
    public static var fieldNames: [String] { allFieldNames }

    /// Reflected once: every key of every config overlay looks names up here, and reflecting a
    /// fresh configuration each time made expanding a sweep grid take milliseconds per point
    /// (seen in scripts/fuzz.sh grid).
    private static let allFieldNames: [String] = Mirror(reflecting: TrainingConfig()).children.compactMap(\.label)

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: "an integer"
        case is Float.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "a \(type)"
        }
    }

    /// The readable text of an error thrown while reading a file (Foundation's description, or the error itself).
    package static func reason(_ error: Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.isEmpty ? "\(error)" : text
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
package func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
