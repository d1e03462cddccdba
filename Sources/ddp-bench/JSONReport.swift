import Foundation

/// Writes a benchmark's figures as pretty-printed JSON with snake_case keys, for
/// `scripts/bench.sh` and for keeping results next to the docs.
enum JSONReport {
    static func write<Value: Encodable>(_ value: Value, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf",
                                                                      negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BenchError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }
}
