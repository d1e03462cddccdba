/// The key of a line or bar chart: a column of swatches and series names beside the plot.
struct ChartLegend {
    struct Entry {
        var name: String
        var color: String
        var dash: String?
    }

    enum Swatch {
        case line, box
    }

    let entries: [Entry]
    let swatch: Swatch

    static let fontSize = 11.0
    static let rowHeight = 18.0
    static let swatchWidth = 22.0
    /// Longer names are cut (with the full name as a tooltip) so the plot keeps its room.
    static let maxNameCharacters = 28

    /// The horizontal room the legend needs, padding included; 0 without entries.
    var width: Double {
        guard !entries.isEmpty else { return 0 }
        let longest = entries.map { TextMetrics.truncated($0.name, maxCharacters: Self.maxNameCharacters) }
            .map { TextMetrics.width(of: $0, fontSize: Self.fontSize) }.max() ?? 0
        return 16 + Self.swatchWidth + 6 + longest + 8
    }

    /// The vertical room the legend needs.
    var height: Double { Double(entries.count) * Self.rowHeight }

    /// Draws the legend with its top-left corner (after the left padding) at `x`, `y`.
    func draw(on canvas: inout SVGCanvas, x: Double, y: Double) {
        for (index, entry) in entries.enumerated() {
            let rowMiddle = y + Double(index) * Self.rowHeight + Self.rowHeight / 2
            switch swatch {
            case .line:
                canvas.line(x1: x, y1: rowMiddle, x2: x + Self.swatchWidth, y2: rowMiddle,
                            stroke: entry.color, strokeWidth: 2.5, dash: entry.dash)
            case .box:
                canvas.rect(x: x + 5, y: rowMiddle - 6, width: 12, height: 12, fill: entry.color)
            }
            let shown = TextMetrics.truncated(entry.name, maxCharacters: Self.maxNameCharacters)
            canvas.text(shown, x: x + Self.swatchWidth + 6, y: rowMiddle + 4, size: Self.fontSize,
                        tooltip: shown == entry.name ? nil : entry.name)
        }
    }
}
