import Foundation

/// A grid of coloured cells: rows (e.g. layers) × columns (e.g. steps or batch sizes).
///
/// Colours follow viridis from the smallest value (dark purple) to the largest (yellow),
/// linearly or, with `logScale`, by order of magnitude. Cells without a value (nil, NaN,
/// infinite, or ≤ 0 on a log scale) are grey. Each cell has a tooltip with its row, column
/// and value, and a colour bar shows the scale's extremes.
public struct Heatmap: SVGChart {
    /// The heading drawn above the grid.
    public var title: String
    /// One label per row, top to bottom.
    public var rowLabels: [String]
    /// One label per column, left to right.
    public var columnLabels: [String]
    /// `values[row][column]`. The grid is `rowLabels.count` × `columnLabels.count`: missing
    /// entries are drawn as missing cells, entries beyond the labels are ignored.
    public var values: [[Double?]]
    /// Whether colours follow log10 of the values.
    public var logScale: Bool
    /// The title beside the row labels; empty for none.
    public var rowAxisLabel: String
    /// The title under the column labels; empty for none.
    public var columnAxisLabel: String
    /// What a value is, shown over the colour bar and in tooltips (e.g. `‖∇W‖`).
    public var valueLabel: String

    static let labelFontSize = 11.0
    static let missingColor = "#d4d4d4"
    static let maxLabelCharacters = 30

    /// A heatmap; `values[row][column]` pairs with `rowLabels[row]` and `columnLabels[column]`.
    public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double?]],
                logScale: Bool = false, rowAxisLabel: String = "", columnAxisLabel: String = "",
                valueLabel: String = "") {
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.logScale = logScale
        self.rowAxisLabel = rowAxisLabel
        self.columnAxisLabel = columnAxisLabel
        self.valueLabel = valueLabel
    }

    /// Renders the heatmap as a standalone SVG document.
    public func svg() -> String {
        let rows = rowLabels.map { TextMetrics.truncated($0, maxCharacters: Self.maxLabelCharacters) }
        let columns = columnLabels.map { TextMetrics.truncated($0, maxCharacters: Self.maxLabelCharacters) }
        let cellWidth = Swift.min(Swift.max(640 / Double(Swift.max(columns.count, 1)), 4), 56)
        let cellHeight = rows.count <= 30 ? 22 : Swift.min(Swift.max(600 / Double(rows.count), 6), 22)

        let widestRow = rows.map { TextMetrics.width(of: $0, fontSize: Self.labelFontSize) }.max() ?? 0
        let widestColumn = columns.map { TextMetrics.width(of: $0, fontSize: Self.labelFontSize) }.max() ?? 0
        // Column labels lie flat when they fit their cell, and turn 45° otherwise; then one
        // label per ~16 px keeps neighbours from overlapping.
        let rotateColumns = widestColumn + 4 > cellWidth
        let columnStride = rotateColumns ? Swift.max(1, Int((16 / cellWidth).rounded(.up))) : 1
        let rowStride = Swift.max(1, Int((12 / cellHeight).rounded(.up)))
        let columnLabelDepth = rotateColumns ? widestColumn * 0.72 + 14 : 18

        let left = 12 + (rowAxisLabel.isEmpty ? 0 : 20) + widestRow + 8
        let top = 44.0
        let gridWidth = cellWidth * Double(columns.count)
        let gridHeight = cellHeight * Double(rows.count)
        let barHeight = Swift.max(Swift.min(gridHeight, 220), 100)
        let legendX = left + gridWidth + 24
        let domain = colorDomain()
        let legendLabels = legendLabelTexts(domain)
        let legendWidth = 14 + 6 + (legendLabels.map { TextMetrics.width(of: $0, fontSize: Self.labelFontSize) }.max() ?? 0)
        let titleWidth = TextMetrics.width(of: title, fontSize: 15) + 24
        let width = Swift.max(legendX + Swift.max(legendWidth, TextMetrics.width(of: valueLabel, fontSize: Self.labelFontSize)) + 16,
                              Swift.min(titleWidth, 900))
        let gridBottom = top + gridHeight
        let height = Swift.max(gridBottom + columnLabelDepth + (columnAxisLabel.isEmpty ? 0 : 22) + 10,
                               top + barHeight + 30)

        var canvas = SVGCanvas(width: width, height: height)
        canvas.text(TextMetrics.truncated(title, maxCharacters: Int(900 / (15 * 0.62))), x: 12, y: 24, size: 15, bold: true)
        for (row, rowLabel) in rowLabels.enumerated() {
            for (column, columnLabel) in columnLabels.enumerated() {
                let value = self.value(row: row, column: column)
                let position = domain.flatMap { fraction(of: value, in: $0) }
                let shown = value.map { NumberLabel.value($0) } ?? "no data"
                let note = position == nil && value != nil ? " (not shown: \(logScale ? "≤ 0 on a log scale" : "not finite"))" : ""
                canvas.rect(x: left + Double(column) * cellWidth, y: top + Double(row) * cellHeight,
                            width: cellWidth, height: cellHeight,
                            fill: position.map(ColorScale.viridis) ?? Self.missingColor,
                            stroke: cellWidth >= 8 && cellHeight >= 8 ? "#ffffff" : nil,
                            cssClass: position == nil ? "cell missing" : "cell",
                            tooltip: "\(rowLabel) · \(columnLabel): \(valueLabel.isEmpty ? "" : valueLabel + " = ")\(shown)\(note)")
            }
        }
        for (row, label) in rows.enumerated() where row % rowStride == 0 {
            canvas.text(label, x: left - 6, y: top + (Double(row) + 0.5) * cellHeight + 4, size: Self.labelFontSize,
                        anchor: .end, tooltip: label == rowLabels[row] ? nil : rowLabels[row])
        }
        for (column, label) in columns.enumerated() where column % columnStride == 0 {
            let x = left + (Double(column) + 0.5) * cellWidth
            if rotateColumns {
                canvas.text(label, x: x + 3, y: gridBottom + 12, size: Self.labelFontSize, anchor: .end, rotation: -45)
            } else {
                canvas.text(label, x: x, y: gridBottom + 14, size: Self.labelFontSize, anchor: .middle)
            }
        }
        if !rowAxisLabel.isEmpty {
            canvas.text(rowAxisLabel, x: 18, y: top + gridHeight / 2, size: 12, anchor: .middle, rotation: -90)
        }
        if !columnAxisLabel.isEmpty {
            canvas.text(columnAxisLabel, x: left + gridWidth / 2, y: gridBottom + columnLabelDepth + 16,
                        size: 12, anchor: .middle)
        }
        drawColorBar(on: &canvas, x: legendX, y: top, height: barHeight, labels: legendLabels)
        return canvas.render(title: title)
    }

    /// The value of a cell, nil when it has none.
    private func value(row: Int, column: Int) -> Double? {
        guard row < values.count, column < values[row].count else { return nil }
        return values[row][column]
    }

    /// The lowest and highest colourable values (in log10 with `logScale`); nil if none.
    private func colorDomain() -> ClosedRange<Double>? {
        var shown: [Double] = []
        for row in rowLabels.indices {
            for column in columnLabels.indices {
                if let value = value(row: row, column: column) { shown.append(value) }
            }
        }
        return AxisScale.range(of: shown, logarithmic: logScale).map {
            logScale ? log10($0.lowerBound)...log10($0.upperBound) : $0
        }
    }

    /// Where `value` falls in `domain`, from 0 to 1; nil when it cannot be coloured.
    private func fraction(of value: Double?, in domain: ClosedRange<Double>) -> Double? {
        guard let value, value.isFinite, !logScale || value > 0 else { return nil }
        let scaled = logScale ? log10(value) : value
        let span = domain.upperBound - domain.lowerBound
        return span > 0 ? (scaled - domain.lowerBound) / span : 0.5
    }

    /// The colour bar's labels: maximum, middle and minimum, top to bottom.
    private func legendLabelTexts(_ domain: ClosedRange<Double>?) -> [String] {
        guard let domain else { return ["no data"] }
        let middle = (domain.lowerBound + domain.upperBound) / 2
        let points = [domain.upperBound, middle, domain.lowerBound]
        return points.map { NumberLabel.value(logScale ? pow(10, $0) : $0, significantDigits: 3) }
    }

    /// A vertical viridis bar built from thin rects, so it needs no gradient `id` that could
    /// clash with another chart's on the same HTML page.
    private func drawColorBar(on canvas: inout SVGCanvas, x: Double, y: Double, height: Double, labels: [String]) {
        if !valueLabel.isEmpty {
            canvas.text(valueLabel, x: x, y: y - 8, size: Self.labelFontSize, bold: true)
        }
        guard labels.count == 3 else {
            canvas.rect(x: x, y: y, width: 14, height: height, fill: Self.missingColor)
            canvas.text(labels.first ?? "", x: x + 20, y: y + 12, size: Self.labelFontSize)
            return
        }
        let steps = 48
        let stepHeight = height / Double(steps)
        for step in 0..<steps {
            // Slightly taller than a step so anti-aliasing leaves no seams between them.
            canvas.rect(x: x, y: y + Double(step) * stepHeight, width: 14, height: stepHeight + 0.5,
                        fill: ColorScale.viridis(1 - (Double(step) + 0.5) / Double(steps)))
        }
        for (index, label) in labels.enumerated() {
            let labelY = y + height * Double(index) / 2
            canvas.line(x1: x + 14, y1: labelY, x2: x + 18, y2: labelY, stroke: SVGCanvas.axisColor)
            canvas.text(label, x: x + 21, y: labelY + 4, size: Self.labelFontSize, fill: SVGCanvas.mutedTextColor)
        }
        canvas.text(logScale ? "log scale" : "linear scale", x: x, y: y + height + 16, size: 10,
                    fill: SVGCanvas.mutedTextColor)
    }
}
