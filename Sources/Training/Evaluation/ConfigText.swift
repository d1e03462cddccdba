/// A setting written in configs as one string in its flag's spelling (`val_accuracy>=0.9`,
/// `geometric:0.05`): parsed by `init(parsing:)`, printed by `description`. Conforming types
/// get `Codable` through that text, so a file and a flag accept exactly the same spellings.
public protocol ConfigText: Codable, CustomStringConvertible {
    /// Parses the flag spelling; throws a `ConfigError` naming the flag and the fix.
    init(parsing text: String) throws
}

extension ConfigText {
    /// Reads the config spelling; a malformed one is a `DecodingError.dataCorrupted` carrying
    /// the parser's message.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Writes the config spelling.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
