import Foundation

/// The language a config file is written in.
public enum ConfigFileFormat: Sendable, Equatable {
    /// A JSON object.
    case json
    /// A YAML mapping.
    case yaml

    /// The format of the file at `path`: by its extension (`.json`, `.yaml`, `.yml`), else by its
    /// content, since a file named `run.cfg` or read from a pipe has no telling extension.
    public static func of(path: String, data: Data) -> ConfigFileFormat {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "json": return .json
        case "yaml", "yml": return .yaml
        default:
            // Every JSON config is an object, and a YAML mapping cannot start with '{' unless it
            // is a flow mapping, which is JSON-like enough that the JSON reader's message helps.
            let first = data.first { !Set<UInt8>([0x20, 0x09, 0x0A, 0x0D]).contains($0) }
            return first == UInt8(ascii: "{") ? .json : .yaml
        }
    }
}
