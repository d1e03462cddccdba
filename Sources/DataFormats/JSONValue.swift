/// Any JSON value, decoded without a schema so that a header's shape can be checked field by
/// field with messages that say which field is wrong (a `Codable` schema only says "type mismatch"),
/// and so that booleans, integers and other numbers stay apart (Foundation's `JSONSerialization`
/// gives `NSNumber` for all three). Shared within the package (config files use it too).
package indirect enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes whatever JSON value the decoder holds.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value as a list of integers, or `nil` if it is anything else.
    var integers: [Int]? {
        guard case .array(let elements) = self else { return nil }
        var result = [Int]()
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let value) = element else { return nil }
            result.append(value)
        }
        return result
    }
}
