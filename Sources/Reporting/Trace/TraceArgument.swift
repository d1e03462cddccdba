/// The value of one entry in a trace event's `args`: a string or a number.
public enum TraceArgument: Codable, Equatable, Sendable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// Text, e.g. a tensor name.
    case string(String)
    /// A number, e.g. a byte count; JSON has one number type, so integers are stored here too.
    case number(Double)

    /// A string argument: `["bucket": "b0"]`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A number argument: `["step": 3]`.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A number argument: `["megabytes": 2.5]`.
    public init(floatLiteral value: Double) { self = .number(value) }

    /// Decodes a JSON number as `.number` and a JSON string as `.string`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Writes the bare JSON value (number or string), as the trace format expects.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(text): try container.encode(text)
        case let .number(number): try container.encode(number)
        }
    }
}
