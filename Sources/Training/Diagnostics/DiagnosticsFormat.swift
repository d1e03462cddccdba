import Foundation

/// Number formats shared by warnings and summary lines.
enum DiagnosticsFormat {
    /// Three significant digits, switching to exponents for very small or large values:
    /// 3.14e-09, 0.0001, 0.0123, 45.6, 1.23e+04.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        return String(format: "%.3g", v)
    }

    static func number(_ v: Double?) -> String { v.map { number($0) } ?? "n/a" }

    /// 0.952 → "95.2%".
    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
}
