/// A line chart of named (x, y) series, with optional logarithmic axes.
///
/// Points that an axis cannot show (NaN, ±infinity, and values ≤ 0 on a log axis) are
/// skipped, and the line breaks there rather than bridging the gap. Series with few points
/// also get a dot per point, with a tooltip giving its values.
///
/// ```swift
/// let chart = LineChart(title: "Gradient norm by layer", xLabel: "step", yLabel: "‖∇W‖",
///                       series: [.init(name: "layer 0", x: steps, y: norms0)], logY: true)
/// let svg = chart.svg()
/// ```
public struct LineChart: SVGChart {
    /// One named line.
    public struct Series: Equatable, Sendable {
        /// The legend entry.
        public var name: String
        /// The points, drawn in this order.
        public var points: [ChartPoint]

        /// A series from points.
        public init(name: String, points: [ChartPoint]) {
            self.name = name
            self.points = points
        }

        /// A series from parallel x and y arrays; extra elements of the longer one are ignored.
        public init(name: String, x: [Double], y: [Double]) {
            self.init(name: name, points: zip(x, y).map { ChartPoint(x: $0, y: $1) })
        }
    }

    /// The heading drawn above the plot.
    public var title: String
    /// The x-axis title; empty for none.
    public var xLabel: String
    /// The y-axis title; empty for none.
    public var yLabel: String
    /// The lines, drawn in order; the legend lists them in the same order.
    public var series: [Series]
    /// Whether the x axis is logarithmic (e.g. batch sizes).
    public var logX: Bool
    /// Whether the y axis is logarithmic (e.g. gradient norms spanning decades).
    public var logY: Bool
    /// How series are coloured: distinct colours, or a gradient for ordered series.
    public var coloring: SeriesColoring
    /// The SVG width in pixels.
    public var width: Double
    /// The SVG height in pixels; it grows when the legend needs more room.
    public var height: Double

    /// Series with more valid points than this get no dots: they would cover the line.
    static let maximumMarkedPoints = 40

    /// A line chart; only `title` and `series` are required.
    public init(title: String, xLabel: String = "", yLabel: String = "", series: [Series],
                logX: Bool = false, logY: Bool = false, coloring: SeriesColoring = .categorical,
                width: Double = 860, height: Double = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
        self.logY = logY
        self.coloring = coloring
        self.width = width
        self.height = height
    }

    /// Renders the chart as a standalone SVG document.
    public func svg() -> String {
        let legend = ChartLegend(entries: series.indices.map { index in
            ChartLegend.Entry(name: series[index].name, color: color(index), dash: dash(index))
        }, swatch: .line)
        let top = 44.0
        let bottomSpace = 30.0 + (xLabel.isEmpty ? 0 : 20)
        let totalHeight = Swift.max(height, top + legend.height + bottomSpace + 8)
        let bottom = totalHeight - bottomSpace

        let allPoints = series.flatMap(\.points)
        let yRange = AxisScale.range(of: allPoints.filter { $0.x.isFinite && (!logX || $0.x > 0) }.map(\.y),
                                     logarithmic: logY)
        // Decade labels are short and evenly spaced, so a log axis can hold more of them.
        let yTickCount = Swift.max(2, Int((bottom - top) / (logY ? 26 : 45)))
        let yScale = logY
            ? AxisScale.logarithmic(dataRange: yRange, pixels: (bottom, top), tickCount: yTickCount)
            : AxisScale.linear(dataRange: yRange, pixels: (bottom, top), tickCount: yTickCount)
        let left = 12 + (yLabel.isEmpty ? 0 : 20) + PlotFrame.widestLabel(of: yScale) + 8
        let right = width - Swift.max(legend.width, 16)
        let frame = PlotFrame(left: left, top: top, right: right, bottom: bottom)

        let xRange = AxisScale.range(of: allPoints.filter { yScale.accepts($0.y) }.map(\.x), logarithmic: logX)
        let xScale = fittedXScale(range: xRange, frame: frame)

        var canvas = SVGCanvas(width: width, height: totalHeight)
        canvas.text(TextMetrics.truncated(title, maxCharacters: Int(width / (15 * 0.62))), x: 12, y: 24,
                    size: 15, bold: true)
        frame.drawYAxis(yScale, on: &canvas)
        frame.drawXAxis(xScale, on: &canvas)
        frame.drawBorder(on: &canvas)
        frame.drawYTitle(yLabel, x: 18, on: &canvas)
        frame.drawXTitle(xLabel, y: totalHeight - 10, on: &canvas)

        var drewAnything = false
        for (index, line) in series.enumerated() {
            drewAnything = drawSeries(line, index: index, xScale: xScale, yScale: yScale, on: &canvas) || drewAnything
        }
        if !drewAnything {
            canvas.text("no data", x: (frame.left + frame.right) / 2, y: (frame.top + frame.bottom) / 2,
                        size: 13, anchor: .middle, fill: SVGCanvas.mutedTextColor)
        }
        legend.draw(on: &canvas, x: right + 16, y: top)
        return canvas.render(title: title)
    }

    /// Draws one series; false when none of its points can be shown.
    private func drawSeries(_ line: Series, index: Int, xScale: AxisScale, yScale: AxisScale,
                            on canvas: inout SVGCanvas) -> Bool {
        var d: [String] = []
        var penDown = false
        var visible: [ChartPoint] = []
        for point in line.points {
            guard xScale.accepts(point.x), yScale.accepts(point.y) else {
                penDown = false
                continue
            }
            let command = penDown ? "L" : "M"
            d.append("\(command)\(SVGCanvas.number(xScale.position(point.x))) \(SVGCanvas.number(yScale.position(point.y)))")
            penDown = true
            visible.append(point)
        }
        guard !visible.isEmpty else { return false }
        canvas.path(d.joined(separator: " "), stroke: color(index), strokeWidth: 1.8, dash: dash(index),
                    cssClass: "series", tooltip: line.name)
        if visible.count <= Self.maximumMarkedPoints {
            for point in visible {
                canvas.circle(cx: xScale.position(point.x), cy: yScale.position(point.y), r: 2.6,
                              fill: color(index), cssClass: "marker",
                              tooltip: "\(line.name): x = \(NumberLabel.value(point.x)), y = \(NumberLabel.value(point.y))")
            }
        }
        return true
    }

    /// The x axis with as many ticks as fit without their labels touching.
    private func fittedXScale(range: ClosedRange<Double>?, frame: PlotFrame) -> AxisScale {
        var tickCount = Swift.max(2, Int(frame.width / 80))
        while true {
            let scale = logX
                ? AxisScale.logarithmic(dataRange: range, pixels: (frame.left, frame.right), tickCount: tickCount)
                : AxisScale.linear(dataRange: range, pixels: (frame.left, frame.right), tickCount: tickCount)
            let labels = scale.ticks.filter { $0.label != nil }.count
            if tickCount <= 2 || Double(labels) * (PlotFrame.widestLabel(of: scale) + 14) <= frame.width {
                return scale
            }
            tickCount -= 1
        }
    }

    private func color(_ index: Int) -> String {
        switch coloring {
        case .categorical: ChartPalette.categoricalColor(index)
        case .sequential: ChartPalette.sequentialColor(index, of: series.count)
        }
    }

    private func dash(_ index: Int) -> String? {
        coloring == .categorical ? ChartPalette.dash(index) : nil
    }
}
