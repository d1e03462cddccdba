import DataFormats

/// A setting that takes one of a fixed set of spellings: `activation`, `optimizer`, `schedule`,
/// …. The raw value is the spelling in config files, `config.json`, checkpoints, sweep grids and
/// flags, so a configuration reads and writes the same text as when these fields were strings.
///
/// Conforming enums get their `Codable` conformance from here: decoding an unknown spelling
/// throws `DecodingError.dataCorrupted` whose description names the field (the last coding key)
/// and lists the valid values, e.g. `activation 'relux' is not one of: sigmoid, tanh, relu,
/// leaky-relu, elu, gelu`. Decoding therefore guarantees membership, and
/// `TrainingConfig.validate()` does not check it again.
public protocol ConfigChoice: RawRepresentable, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible
where RawValue == String {
    /// Other spellings read as a case (older or alternative names); a value read through an
    /// alias is written back in its canonical spelling. Empty unless a type overrides it.
    static var aliases: [String: Self] { get }
}

extension ConfigChoice {
    /// No alternative spellings.
    public static var aliases: [String: Self] { [:] }

    /// The spelling, so that string interpolation prints what a config file holds.
    public var description: String { rawValue }

    /// Every valid spelling, in declaration order (aliases excluded).
    public static var validValues: [String] { allCases.map(\.rawValue) }

    /// The case spelled `text`, or one of its aliases; nil for anything else.
    public init?(spelling text: String) {
        guard let value = Self(rawValue: text) ?? Self.aliases[text] else { return nil }
        self = value
    }

    /// The one-line complaint about `value` given for `field`:
    /// `activation 'relux' is not one of: sigmoid, tanh, relu, leaky-relu, elu, gelu`. The value
    /// comes from a file or a flag, so it is quoted with its control characters escaped and cut
    /// short (a line break in it made the message two lines; found by scripts/fuzz.sh checkpoint).
    public static func invalidValueMessage(_ value: String, field: String) -> String {
        "\(field) \(value.quotedForMessage) is not one of: \(validValues.joined(separator: ", "))"
    }

    /// Reads the spelling; an unknown one is a `DecodingError.dataCorrupted` naming the field
    /// and the valid values.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(spelling: text) else {
            let field = decoder.codingPath.last?.stringValue ?? String(describing: Self.self)
            let message = Self.invalidValueMessage(text, field: field)
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message,
                                                    underlyingError: ConfigError(message)))
        }
        self = value
    }

    /// Writes the canonical spelling.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
