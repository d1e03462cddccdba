import DataFormats
import Foundation

/// Builds one JSON object as text, field by field, in insertion order.
///
/// Metrics are written every step; building the line directly is several times cheaper than
/// going through JSONSerialization, and keeps the field order stable for people reading it.
/// Everything is appended to one string in place: at small batches a step costs tens of
/// microseconds, and temporary strings per field were a visible part of it.
public struct JSONLine {
    private var text: String
    private var first = true

    /// An empty object, `{`.
    public init() {
        text = "{"
        text.reserveCapacity(512)  // a step line with a few layers' norms and the timings
    }

    private mutating func key(_ k: String) {
        if !first { text.append(",") }
        first = false
        JSONText.appendQuoted(k, to: &text)
        text.append(":")
    }

    /// Appends an integer field.
    public mutating func add(_ k: String, _ v: Int) { key(k); text.append(String(v)) }
    /// Appends a string field, escaped as JSON.
    public mutating func add(_ k: String, _ v: String) { key(k); JSONText.appendQuoted(v, to: &text) }
    /// Appends a `true` / `false` field.
    public mutating func add(_ k: String, _ v: Bool) { key(k); text.append(v ? "true" : "false") }
    /// Non-finite numbers become null (JSON has no NaN).
    public mutating func add(_ k: String, _ v: Double?) { key(k); JSONLine.appendNumber(v, to: &text) }
    /// Floats print with their own shortest representation (0.01, not 0.009999999776).
    public mutating func add(_ k: String, _ v: Float) {
        key(k)
        // From 2²⁴ up every Float is a whole number, and written as a Double's shortest form of
        // the Float's digits (2716135000, not the exact 2716134912), as this always did; below,
        // the Float's own shortest form is those same digits (checked over 20 million random
        // floats) without a round trip through text.
        if abs(v) >= 16_777_216 { JSONLine.appendNumber(Double(v.description), to: &text) }
        else { JSONLine.appendNumber(v, to: &text) }
    }
    /// A nested object of numbers, in the given order.
    public mutating func add(_ k: String, _ pairs: [(String, Double?)]) {
        key(k)
        text.append("{")
        for (index, (name, value)) in pairs.enumerated() {
            if index > 0 { text.append(",") }
            JSONText.appendQuoted(name, to: &text)
            text.append(":")
            JSONLine.appendNumber(value, to: &text)
        }
        text.append("}")
    }
    /// A nested object built by another JSONLine.
    public mutating func add(_ k: String, object: JSONLine) { key(k); text.append(object.text); text.append("}") }

    /// The finished object.
    public var string: String { text + "}" }

    /// Integers without a fraction (`3`, not `3.0`), others by Swift's shortest round-trip
    /// form, non-finite values as null.
    static func appendNumber<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F?, to text: inout String) {
        guard let v, v.isFinite else { text.append("null"); return }
        if v == v.rounded() && abs(v) < 1e15 { text.append(String(Int64(v))); return }
        text.append(v.description)
    }
}
