import Foundation

/// Short, readable number labels for axes, legends and tooltips.
///
/// Values between 0.001 and 10⁶ are written out (`0.25`, `1500`); others use a compact
/// exponent (`1e-6`, `2.5e8`) rather than `1.000000e-06`.
enum NumberLabel {
    /// A label for a linear-axis tick that is a multiple of `step`; it shows just enough
    /// decimals to tell neighbouring ticks apart.
    static func tick(_ value: Double, step: Double) -> String {
        if abs(value) < step * 1e-6 { return "0" }
        if usesExponent(value) {
            let digits = Int(exponent(of: value) - exponent(of: step)) + 1
            return exponential(value, significantDigits: Swift.min(Swift.max(digits, 1), 6))
        }
        let decimals = Swift.min(Swift.max(-Int(exponent(of: step)), 0), 6)
        return String(format: "%.\(decimals)f", value)
    }

    /// A label for an arbitrary value with about `significantDigits` significant digits,
    /// trailing zeros removed.
    static func value(_ value: Double, significantDigits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        if usesExponent(value) { return exponential(value, significantDigits: significantDigits) }
        let decimals = Swift.max(0, significantDigits - 1 - Int(exponent(of: value)))
        return trimmed(String(format: "%.\(decimals)f", value))
    }

    /// The label of `mantissa`·10^`power`, for log-axis ticks.
    static func power(mantissa: Int, _ power: Int) -> String {
        if (-3...5).contains(power) {
            return value(Double(mantissa) * pow(10, Double(power)), significantDigits: 1)
        }
        return "\(mantissa)e\(power)"
    }

    private static func usesExponent(_ value: Double) -> Bool {
        abs(value) >= 1e6 || abs(value) < 1e-3
    }

    private static func exponent(of value: Double) -> Double {
        log10(abs(value)).rounded(.down)
    }

    private static func exponential(_ value: Double, significantDigits: Int) -> String {
        var power = exponent(of: value)
        var mantissa = value / pow(10, power)
        let scale = pow(10, Double(significantDigits - 1))
        mantissa = (mantissa * scale).rounded() / scale
        if abs(mantissa) >= 10 {
            mantissa /= 10
            power += 1
        }
        let text = trimmed(String(format: "%.\(significantDigits - 1)f", mantissa))
        return "\(text)e\(Int(power))"
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
