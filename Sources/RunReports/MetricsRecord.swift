import Foundation
import Training

/// One line of metrics.jsonl, flattened: nested objects become `/`-joined keys
/// (`grad_norms/model.0.weight`, `timing/forward/mean_ms`,
/// `diagnostics/activations/model.1/dead_fraction`).
public struct MetricsRecord: Sendable {
    /// "step", "epoch" or "eval" (`MetricsLine.RecordType`).
    public var type: String
    /// The record's leaves by their slash-joined path, e.g. `loss` or `phases/allreduce`.
    public var values: [String: MetricValue]

    /// A record of `type` with the given flattened values.
    public init(type: String, values: [String: MetricValue]) {
        self.type = type
        self.values = values
    }

    /// The optimizer step (both record types carry one).
    public var step: Int? { values["step"]?.number.map { Int($0) } }

    /// The number under `key`, nil when absent, null or text.
    public subscript(key: String) -> Double? { values[key]?.number }

    /// The keys under `prefix/`, with the prefix removed (e.g. layer names under `grad_norms`).
    public func names(under prefix: String, suffix: String = "") -> [String] {
        let head = prefix + "/"
        return values.keys.compactMap { key in
            guard key.hasPrefix(head), key.hasSuffix(suffix) else { return nil }
            let middle = key.dropFirst(head.count).dropLast(suffix.count)
            return middle.isEmpty ? nil : String(middle)
        }
    }

    /// Flattens one parsed JSON object (config.json; metrics lines go through `init(_: MetricsLine)`).
    static func flatten(_ object: [String: Any]) -> [String: MetricValue] {
        var out: [String: MetricValue] = [:]
        func visit(_ value: Any, _ path: String) {
            switch value {
            case let o as [String: Any]:
                for (k, v) in o { visit(v, path.isEmpty ? k : path + "/" + k) }
            case let n as NSNumber:
                // Booleans (config.json's `residual`, …) arrive as NSNumber too; their type
                // code is "c" (char), which no JSON number gets.
                out[path] = String(cString: n.objCType) == "c" ? .text(n.boolValue ? "true" : "false") : .number(n.doubleValue)
            case let s as String:
                out[path] = .text(s)
            case is NSNull:
                out[path] = .null
            case let a as [Any]:
                for (i, v) in a.enumerated() { visit(v, path + "/" + String(i)) }
            default:
                out[path] = .text("\(value)")
            }
        }
        visit(object, "")
        return out
    }
}
