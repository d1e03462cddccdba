/// Rough text widths for layout, without a font engine.
///
/// SVG text is measured by the viewer, not here, so margins are sized from an average glyph
/// width. 0.62 em fits DejaVu Sans (the usual Linux sans-serif, among the widest) and leaves
/// room to spare with Helvetica or Arial.
enum TextMetrics {
    static func width(of text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.62
    }

    /// `text` cut to at most `maxCharacters`, with an ellipsis when cut.
    static func truncated(_ text: String, maxCharacters: Int) -> String {
        guard text.count > maxCharacters, maxCharacters > 1 else { return text }
        return String(text.prefix(maxCharacters - 1)) + "…"
    }
}
