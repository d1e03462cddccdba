/// The plotting rectangle of a chart with axes: grid lines, tick labels and axis titles.
struct PlotFrame {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    static let tickFontSize = 11.0
    static let labelFontSize = 12.0

    var width: Double { right - left }
    var height: Double { bottom - top }

    /// Horizontal grid lines and labels for a y axis, labels right-aligned left of the plot.
    func drawYAxis(_ scale: AxisScale, on canvas: inout SVGCanvas) {
        for tick in scale.ticks {
            let y = scale.position(tick.value)
            guard y >= top - 0.5, y <= bottom + 0.5 else { continue }
            canvas.line(x1: left, y1: y, x2: right, y2: y,
                        stroke: tick.label == nil ? SVGCanvas.minorGridColor : SVGCanvas.gridColor)
            if let label = tick.label {
                canvas.text(label, x: left - 6, y: y + 4, size: Self.tickFontSize, anchor: .end,
                            fill: SVGCanvas.mutedTextColor)
            }
        }
    }

    /// Vertical grid lines and labels for an x axis, labels centred below the plot.
    func drawXAxis(_ scale: AxisScale, on canvas: inout SVGCanvas) {
        for tick in scale.ticks {
            let x = scale.position(tick.value)
            guard x >= left - 0.5, x <= right + 0.5 else { continue }
            canvas.line(x1: x, y1: top, x2: x, y2: bottom,
                        stroke: tick.label == nil ? SVGCanvas.minorGridColor : SVGCanvas.gridColor)
            if let label = tick.label {
                canvas.text(label, x: x, y: bottom + 16, size: Self.tickFontSize, anchor: .middle,
                            fill: SVGCanvas.mutedTextColor)
            }
        }
    }

    /// The plot's outline; drawn after the grid so the border stays on top.
    func drawBorder(on canvas: inout SVGCanvas) {
        canvas.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: SVGCanvas.axisColor)
        canvas.line(x1: left, y1: top, x2: left, y2: bottom, stroke: SVGCanvas.axisColor)
    }

    /// The y-axis title, rotated, at `x`; nothing for an empty title.
    func drawYTitle(_ title: String, x: Double, on canvas: inout SVGCanvas) {
        guard !title.isEmpty else { return }
        canvas.text(title, x: x, y: (top + bottom) / 2, size: Self.labelFontSize, anchor: .middle,
                    rotation: -90)
    }

    /// The x-axis title, centred at height `y`; nothing for an empty title.
    func drawXTitle(_ title: String, y: Double, on canvas: inout SVGCanvas) {
        guard !title.isEmpty else { return }
        canvas.text(title, x: (left + right) / 2, y: y, size: Self.labelFontSize, anchor: .middle)
    }

    /// The widest label among `scale`'s ticks, in pixels at the tick font size.
    static func widestLabel(of scale: AxisScale) -> Double {
        scale.ticks.compactMap(\.label).map { TextMetrics.width(of: $0, fontSize: tickFontSize) }.max() ?? 0
    }
}
