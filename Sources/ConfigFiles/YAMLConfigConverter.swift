import Foundation
import Training
import Yams

/// Turns a YAML config into the JSON object the JSON reader takes, so that YAML and JSON files
/// go through one overlay with one set of checks and messages.
public enum YAMLConfigConverter {
    /// Nesting allowed below the top-level mapping. A config is a flat mapping with a few lists
    /// of small objects; anything deeper is a mistake or an attack.
    public static let maximumDepth = 16
    /// Values allowed in one file, counted after aliases are expanded, so that an alias bomb
    /// ("billion laughs") is refused instead of being expanded.
    public static let maximumValues = 100_000

    /// The JSON text of the YAML document `text`, or a `ConfigError` naming `source` and, for a
    /// syntax error, the line.
    public static func json(fromYAML text: String, source: String) throws -> Data {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError("\(source): \(describe(error))")
        } catch {
            throw ConfigError("\(source): not valid YAML (\(error))")
        }
        guard let node, case .mapping = node else {
            throw ConfigError("\(source): expected a YAML mapping of settings, like 'lr: 0.01'")
        }
        var budget = maximumValues
        let object = try value(of: node, depth: 0, budget: &budget, source: source)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private static func value(of node: Node, depth: Int, budget: inout Int, source: String) throws -> Any {
        budget -= 1
        guard budget >= 0 else {
            throw ConfigError("\(source): more than \(maximumValues) values (after expanding aliases); a config is a small mapping")
        }
        guard depth <= maximumDepth else {
            throw ConfigError("\(source): line \(node.mark?.line ?? 0): nested deeper than \(maximumDepth) levels; a config is a flat mapping")
        }
        switch node {
        case .scalar(let scalar):
            return try scalarValue(node, scalar, source: source)
        case .sequence(let sequence):
            return try sequence.map { try value(of: $0, depth: depth + 1, budget: &budget, source: source) }
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, element) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigError("\(source): line \(key.mark?.line ?? 0): a key must be a plain name, like 'lr'")
                }
                guard object[keyScalar.string] == nil else {
                    throw ConfigError("\(source): line \(key.mark?.line ?? 0): '\(keyScalar.string)' is given twice")
                }
                object[keyScalar.string] = try value(of: element, depth: depth + 1, budget: &budget, source: source)
            }
            return object
        case .alias:
            throw ConfigError("\(source): line \(node.mark?.line ?? 0): an unresolved alias")
        }
    }

    /// A scalar as YAML 1.1's core schema reads it (what Yams resolves), limited to what JSON holds.
    private static func scalarValue(_ node: Node, _ scalar: Node.Scalar, source: String) throws -> Any {
        switch node.tag.rawValue {  // the resolved tag (the scalar's own is the one written, usually none)
        case Tag.Name.null.rawValue: return NSNull()
        case Tag.Name.bool.rawValue: if let b = node.bool { return b }
        case Tag.Name.int.rawValue:
            if let i = node.int { return i }
            if let u = UInt64(scalar.string) { return NSNumber(value: u) }
        case Tag.Name.float.rawValue:
            if let d = node.float {
                guard d.isFinite else {
                    throw ConfigError("\(source): line \(node.mark?.line ?? 0): '\(scalar.string)' is not a finite number")
                }
                return d
            }
        default: break
        }
        // Strings, and anything JSON has no type for (timestamps, binary), as the text written.
        return scalar.string
    }

    /// One line from Yams's error: the problem and where it is, without the excerpt of the file
    /// Yams appends (several lines, and the file may be large).
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            // libyaml's own words for its nesting limit name a C function the user cannot call.
            let text = problem.hasPrefix("Maximum nesting level reached") ? "nested too deeply" : problem
            return "line \(mark.line), column \(mark.column): not valid YAML (\(text))"
        case let .reader(problem, offset, _, _):
            return "not valid YAML (\(problem)\(offset.map { " at byte \($0)" } ?? ""))"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "line \(context.mark.line): \(duplicates.joined(separator: ", ")) given twice"
        default:
            return "not valid YAML (\(error))"
        }
    }
}
