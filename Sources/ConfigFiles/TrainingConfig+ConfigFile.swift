import Foundation
import Training

extension TrainingConfig {
    /// Config files are hand-written settings; a larger file is a mistake (the wrong file) or
    /// an attack, and is refused before it is parsed.
    public static let maximumConfigFileBytes = 1 << 20

    /// The configuration with the settings of a YAML or JSON config file laid over it.
    ///
    /// The format comes from the extension or, failing that, the content (`ConfigFileFormat`).
    /// YAML is converted to the same JSON object and laid over by `overlaying(json:source:)`,
    /// so both formats accept the same keys (field names or kebab case) and fail with the same
    /// messages.
    public func overlaying(configFile path: String) throws -> TrainingConfig {
        try overlaying(json: try Self.configJSON(ofFile: path), source: path)
    }

    /// The settings of a YAML or JSON config file as the JSON object `overlaying(json:source:)`
    /// takes (JSON files as they are, so that its messages quote them), for callers that merge
    /// files before laying them over (a sweep's `base`).
    public static func configJSON(ofFile path: String) throws -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError("\(path): cannot read the config file (\(reason(error)))")
        }
        guard data.count <= maximumConfigFileBytes else {
            throw ConfigError("\(path): config file is \(data.count) bytes; a config is a small file of settings (at most \(maximumConfigFileBytes))")
        }
        switch ConfigFileFormat.of(path: path, data: data) {
        case .json:
            return data
        case .yaml:
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigError("\(path): not UTF-8 text")
            }
            return try YAMLConfigConverter.json(fromYAML: text, source: path)
        }
    }
}
