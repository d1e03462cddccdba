import Training
/// One leaf of a metrics record, flattened: a number, a text, or JSON null.
public enum MetricValue: Equatable, Sendable {
    /// A JSON number (integers included).
    case number(Double)
    /// A JSON string, or a boolean as `true` / `false`.
    case text(String)
    /// JSON null: a metric written without a value.
    case null

    /// The number, or nil for text and null.
    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }

    /// As a CSV cell: numbers in Swift's shortest round-trip form, null as an empty cell.
    public var csvText: String {
        switch self {
        case .number(let v): v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        case .text(let s): s
        case .null: ""
        }
    }
}
