/// A grouped bar chart: for each category (e.g. a layer), one bar per series (e.g. the
/// saturated and the dead fraction of its units).
///
/// Bars start at zero, so negative values hang below the axis. A missing or non-finite
/// value leaves a gap. Each bar has a tooltip with its series, category and value.
public struct BarChart: SVGChart {
    /// One named set of bars, one value per category.
    public struct Series: Equatable, Sendable {
        /// The legend entry.
        public var name: String
        /// `values[i]` belongs to `categories[i]`; nil for no bar.
        public var values: [Double?]

        /// A series named `name` with one value per category.
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    /// The heading drawn above the plot.
    public var title: String
    /// The x-axis title; empty for none.
    public var xLabel: String
    /// The y-axis title; empty for none.
    public var yLabel: String
    /// The group labels along the x axis.
    public var categories: [String]
    /// The bar series; within a group, bars appear in this order.
    public var series: [Series]
    /// A fixed y range (e.g. `0...1` for fractions); nil fits the data and includes zero.
    /// Bars beyond a fixed range are cut at its edge.
    public var yRange: ClosedRange<Double>?
    /// The SVG width in pixels.
    public var width: Double
    /// The SVG height in pixels; it grows when the legend or rotated labels need room.
    public var height: Double

    static let labelFontSize = 11.0

    /// A grouped bar chart; only `title`, `categories` and `series` are required.
    public init(title: String, xLabel: String = "", yLabel: String = "", categories: [String],
                series: [Series], yRange: ClosedRange<Double>? = nil, width: Double = 860, height: Double = 400) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.yRange = yRange
        self.width = width
        self.height = height
    }

    /// Renders the chart as a standalone SVG document.
    public func svg() -> String {
        let legend = ChartLegend(entries: series.indices.map {
            ChartLegend.Entry(name: series[$0].name, color: ChartPalette.categoricalColor($0), dash: nil)
        }, swatch: .box)
        let labels = categories.map { TextMetrics.truncated($0, maxCharacters: 24) }
        let top = 44.0
        let right = width - Swift.max(legend.width, 16)

        // A first guess at the left margin sizes the groups, which decides whether the
        // category labels must turn; the y ticks then fix the margin.
        let guessGroupWidth = (right - 70) / Double(Swift.max(categories.count, 1))
        let widestLabel = labels.map { TextMetrics.width(of: $0, fontSize: Self.labelFontSize) }.max() ?? 0
        let rotate = widestLabel + 6 > guessGroupWidth
        let labelStride = rotate ? Swift.max(1, Int((16 / guessGroupWidth).rounded(.up))) : 1
        let labelDepth = rotate ? widestLabel * 0.72 + 14 : 18
        let bottomSpace = labelDepth + (xLabel.isEmpty ? 0 : 22) + 8
        let totalHeight = Swift.max(height, top + legend.height + bottomSpace + 8)
        let bottom = totalHeight - bottomSpace

        let yScale = valueScale(pixels: (bottom, top), tickCount: Swift.max(2, Int((bottom - top) / 45)))
        let left = 12 + (yLabel.isEmpty ? 0 : 20) + PlotFrame.widestLabel(of: yScale) + 8
        let frame = PlotFrame(left: left, top: top, right: right, bottom: bottom)
        let groupWidth = frame.width / Double(Swift.max(categories.count, 1))
        let barWidth = groupWidth * 0.8 / Double(Swift.max(series.count, 1))

        var canvas = SVGCanvas(width: width, height: totalHeight)
        canvas.text(TextMetrics.truncated(title, maxCharacters: Int(width / (15 * 0.62))), x: 12, y: 24,
                    size: 15, bold: true)
        frame.drawYAxis(yScale, on: &canvas)
        let baseline = yScale.position(Swift.min(Swift.max(0, yScale.lower), yScale.upper))
        for (categoryIndex, category) in categories.enumerated() {
            let groupLeft = left + Double(categoryIndex) * groupWidth + groupWidth * 0.1
            for (seriesIndex, bars) in series.enumerated() {
                guard categoryIndex < bars.values.count, let value = bars.values[categoryIndex],
                      value.isFinite else { continue }
                let clamped = Swift.min(Swift.max(value, yScale.lower), yScale.upper)
                let top = Swift.min(yScale.position(clamped), baseline)
                canvas.rect(x: groupLeft + Double(seriesIndex) * barWidth, y: top, width: barWidth * 0.92,
                            height: abs(yScale.position(clamped) - baseline),
                            fill: ChartPalette.categoricalColor(seriesIndex), cssClass: "bar",
                            tooltip: "\(bars.name) · \(category): \(NumberLabel.value(value))")
            }
        }
        for (index, label) in labels.enumerated() where index % labelStride == 0 {
            let x = left + (Double(index) + 0.5) * groupWidth
            if rotate {
                canvas.text(label, x: x + 3, y: bottom + 12, size: Self.labelFontSize, anchor: .end, rotation: -45)
            } else {
                canvas.text(label, x: x, y: bottom + 15, size: Self.labelFontSize, anchor: .middle)
            }
        }
        frame.drawBorder(on: &canvas)
        canvas.line(x1: left, y1: baseline, x2: right, y2: baseline, stroke: SVGCanvas.axisColor)
        frame.drawYTitle(yLabel, x: 18, on: &canvas)
        frame.drawXTitle(xLabel, y: totalHeight - 10, on: &canvas)
        legend.draw(on: &canvas, x: right + 16, y: top)
        return canvas.render(title: title)
    }

    /// The y axis: the fixed range if given, else the data's range widened to include zero.
    private func valueScale(pixels: (Double, Double), tickCount: Int) -> AxisScale {
        if let yRange, yRange.upperBound > yRange.lowerBound {
            let fitted = AxisScale.linear(dataRange: yRange, pixels: pixels, tickCount: tickCount)
            // Keep the requested bounds exactly; drop ticks the nice rounding put outside them.
            return AxisScale(isLogarithmic: false, lower: yRange.lowerBound, upper: yRange.upperBound,
                             rangeStart: pixels.0, rangeEnd: pixels.1,
                             ticks: fitted.ticks.filter { yRange.contains($0.value) })
        }
        let data = AxisScale.range(of: series.flatMap { $0.values.compactMap { $0 } }, logarithmic: false)
        return AxisScale.linear(dataRange: data, pixels: pixels, tickCount: tickCount, includeZero: true)
    }
}
