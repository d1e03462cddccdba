import Foundation
import Training

/// One value a sweep dimension takes: a JSON scalar, as it goes into a point's config file.
///
/// Values from `--grid name=v1,v2` are typed by their text: `true`/`false` are booleans,
/// `null` clears an optional field, anything that reads as a number is a number, and the rest
/// are strings. Whether the type fits the field is checked by laying the value over the
/// configuration, which names the field when it does not.
public enum SweepValue: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// An integer, e.g. a batch size.
    case integer(Int)
    /// A non-integral number, e.g. a learning rate.
    case number(Double)
    /// A boolean, e.g. `residual`.
    case bool(Bool)
    /// Text, e.g. an activation name.
    case string(String)
    /// JSON null: clears an optional field.
    case null

    /// The value a piece of flag text stands for.
    public init(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "true" { self = .bool(true) }
        else if t == "false" { self = .bool(false) }
        else if t == "null" { self = .null }
        else if let i = Int(t) { self = .integer(i) }
        else if let d = Double(t), d.isFinite { self = .number(d) }
        else { self = .string(t) }
    }

    /// The value of a JSON scalar from `JSONSerialization`; nil for arrays, objects and
    /// non-finite numbers.
    public init?(json: Any) {
        switch json {
        case is NSNull: self = .null
        case let n as NSNumber:
            // JSONSerialization boxes booleans, integers and reals alike; the encoding tells
            // them apart ("c" boolean, "d"/"f" real, the rest integers), so 1.0 stays a number.
            let kind = String(cString: n.objCType)
            if kind == "c" { self = .bool(n.boolValue) }
            else if kind == "d" || kind == "f" {
                guard n.doubleValue.isFinite else { return nil }
                self = .number(n.doubleValue)
            } else { self = .integer(n.intValue) }
        case let s as String: self = .string(s)
        default: return nil
        }
    }

    /// The value as a `JSONSerialization` object.
    public var jsonObject: Any {
        switch self {
        case let .integer(i): i
        case let .number(d): d
        case let .bool(b): b
        case let .string(s): s
        case .null: NSNull()
        }
    }

    /// The value as a person writes it: `0.1`, `64`, `relu`, `true`, `null`.
    public var description: String {
        switch self {
        case let .integer(i): "\(i)"
        case let .number(d): "\(d)"
        case let .bool(b): "\(b)"
        case let .string(s): s
        case .null: "null"
        }
    }

    /// The value as a number, when it is one.
    public var doubleValue: Double? {
        switch self {
        case let .integer(i): Double(i)
        case let .number(d): d
        default: nil
        }
    }

    /// Reads a JSON scalar: null, then boolean, integer, number, string.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    /// Writes the value as a JSON scalar.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .integer(i): try c.encode(i)
        case let .number(d): try c.encode(d)
        case let .bool(b): try c.encode(b)
        case let .string(s): try c.encode(s)
        case .null: try c.encodeNil()
        }
    }
}
