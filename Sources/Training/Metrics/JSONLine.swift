import DataFormats
import Foundation

/// Builds one JSON object as text, field by field, in insertion order.
///
/// Metrics are written every step; building the line directly is several times cheaper than
/// going through JSONSerialization, and keeps the field order stable for people reading it.
public struct JSONLine {
    private var text = "{"
    private var first = true

    /// An empty object, `{`.
    public init() {}

    private mutating func key(_ k: String) {
        if !first { text += "," }
        first = false
        text += JSONLine.quote(k) + ":"
    }

    /// Appends an integer field.
    public mutating func add(_ k: String, _ v: Int) { key(k); text += String(v) }
    /// Appends a string field, escaped as JSON.
    public mutating func add(_ k: String, _ v: String) { key(k); text += JSONLine.quote(v) }
    /// Appends a `true` / `false` field.
    public mutating func add(_ k: String, _ v: Bool) { key(k); text += v ? "true" : "false" }
    /// Non-finite numbers become null (JSON has no NaN).
    public mutating func add(_ k: String, _ v: Double?) { key(k); text += JSONLine.number(v) }
    /// Floats print with their own shortest representation (0.01, not 0.009999999776).
    public mutating func add(_ k: String, _ v: Float) { add(k, Double(v.description)) }
    /// A nested object of numbers, in the given order.
    public mutating func add(_ k: String, _ pairs: [(String, Double?)]) {
        key(k)
        text += "{" + pairs.map { JSONLine.quote($0.0) + ":" + JSONLine.number($0.1) }.joined(separator: ",") + "}"
    }
    /// A nested object built by another JSONLine.
    public mutating func add(_ k: String, object: JSONLine) { key(k); text += object.string }

    /// The finished object.
    public var string: String { text + "}" }

    static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "null" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    static func quote(_ s: String) -> String { JSONText.quoted(s) }
}
