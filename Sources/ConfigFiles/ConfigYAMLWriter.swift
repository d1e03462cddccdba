import DataFormats
import Foundation
import Training
import Yams

/// A resolved configuration as YAML (`ddp-train train --print-config`): the flags' kebab-case
/// keys, sorted, with unset optional fields left out. The text is a valid `--config` file that
/// resolves to the same configuration.
public enum ConfigYAMLWriter {
    /// The YAML text of `config`.
    public static func yaml(of config: TrainingConfig) throws -> String {
        // Through the JSON encoding, so that the YAML holds exactly what config.json would, and
        // reads back through the same decoder.
        let encoded = try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(config))
        guard case .object(let fields) = encoded else { return "" }
        var mapping: [(Node, Node)] = []
        for (field, value) in fields.sorted(by: { ConfigKeySpelling.kebab($0.key) < ConfigKeySpelling.kebab($1.key) }) {
            if case .null = value { continue }
            mapping.append((Node(ConfigKeySpelling.kebab(field)), node(value)))
        }
        return try Yams.serialize(node: Node(mapping), sortKeys: false)
    }

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .integer(let i): return Node(String(i), Tag(.int))
        case .number(let d): return Node(d.description, Tag(.float))
        // Always quoted, so that a string such as "true", "1e3" or "null" reads back as a string.
        case .string(let s): return Node(s, Tag(.str), .doubleQuoted)
        case .array(let elements): return Node(elements.map(node))
        case .object(let fields):
            return Node(fields.sorted { $0.key < $1.key }.filter { if case .null = $0.value { false } else { true } }
                .map { (Node($0.key), node($0.value)) })
        }
    }
}
