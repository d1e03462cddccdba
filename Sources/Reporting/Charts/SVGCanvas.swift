/// Accumulates SVG elements and renders a standalone `<svg>` document.
///
/// Every string that reaches the output goes through `MarkupEscaping`, and every number
/// through `SVGCanvas.number(_:)`, so charts cannot produce malformed XML whatever their
/// titles, labels or values.
struct SVGCanvas {
    enum Anchor: String {
        case start, middle, end
    }

    let width: Double
    let height: Double
    private var elements: [String] = []

    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    static let textColor = "#222222"
    static let mutedTextColor = "#555555"
    static let gridColor = "#e3e3e3"
    static let minorGridColor = "#f1f1f1"
    static let axisColor = "#8a8a8a"

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate or length, rounded to 0.01 px so files stay small and stable.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (Swift.min(Swift.max(value, -1e9), 1e9) * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       stroke: String? = nil, cssClass: String? = nil, tooltip: String? = nil) {
        var attributes = [("x", Self.number(x)), ("y", Self.number(y)),
                          ("width", Self.number(Swift.max(width, 0))), ("height", Self.number(Swift.max(height, 0))),
                          ("fill", fill)]
        if let stroke { attributes += [("stroke", stroke), ("stroke-width", "0.5")] }
        if let cssClass { attributes.append(("class", cssClass)) }
        add("rect", attributes, tooltip: tooltip)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                       strokeWidth: Double = 1, dash: String? = nil) {
        var attributes = [("x1", Self.number(x1)), ("y1", Self.number(y1)),
                          ("x2", Self.number(x2)), ("y2", Self.number(y2)),
                          ("stroke", stroke), ("stroke-width", Self.number(strokeWidth))]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        add("line", attributes)
    }

    /// A text label; `rotation` (degrees) turns it about its anchor point.
    mutating func text(_ content: String, x: Double, y: Double, size: Double = 11,
                       anchor: Anchor = .start, bold: Bool = false, rotation: Double? = nil,
                       fill: String = SVGCanvas.textColor, tooltip: String? = nil) {
        var attributes = [("x", Self.number(x)), ("y", Self.number(y)),
                          ("font-size", Self.number(size)), ("fill", fill)]
        if anchor != .start { attributes.append(("text-anchor", anchor.rawValue)) }
        if bold { attributes.append(("font-weight", "bold")) }
        if let rotation {
            attributes.append(("transform", "rotate(\(Self.number(rotation)) \(Self.number(x)) \(Self.number(y)))"))
        }
        var body = MarkupEscaping.escape(content)
        if let tooltip { body = "<title>\(MarkupEscaping.escape(tooltip))</title>" + body }
        elements.append("<text\(Self.attributeText(attributes))>\(body)</text>")
    }

    /// An unfilled path, e.g. a data series; `d` is built from `number(_:)` values only.
    mutating func path(_ d: String, stroke: String, strokeWidth: Double, dash: String? = nil,
                       cssClass: String? = nil, tooltip: String? = nil) {
        var attributes = [("d", d), ("fill", "none"), ("stroke", stroke),
                          ("stroke-width", Self.number(strokeWidth)),
                          ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        if let cssClass { attributes.append(("class", cssClass)) }
        add("path", attributes, tooltip: tooltip)
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String,
                         cssClass: String? = nil, tooltip: String? = nil) {
        var attributes = [("cx", Self.number(cx)), ("cy", Self.number(cy)), ("r", Self.number(r)),
                          ("fill", fill)]
        if let cssClass { attributes.append(("class", cssClass)) }
        add("circle", attributes, tooltip: tooltip)
    }

    /// The `<svg>` document; `title` becomes its accessible name and first child.
    func render(title: String) -> String {
        let attributes = [("xmlns", "http://www.w3.org/2000/svg"),
                          ("width", Self.number(width)), ("height", Self.number(height)),
                          ("viewBox", "0 0 \(Self.number(width)) \(Self.number(height))"),
                          ("font-family", Self.fontFamily), ("role", "img"), ("aria-label", title)]
        return "<svg\(Self.attributeText(attributes))>\n<title>\(MarkupEscaping.escape(title))</title>\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#ffffff\"/>\n"
            + elements.joined(separator: "\n") + "\n</svg>"
    }

    private mutating func add(_ name: String, _ attributes: [(String, String)], tooltip: String? = nil) {
        if let tooltip {
            elements.append("<\(name)\(Self.attributeText(attributes))><title>\(MarkupEscaping.escape(tooltip))</title></\(name)>")
        } else {
            elements.append("<\(name)\(Self.attributeText(attributes))/>")
        }
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(MarkupEscaping.escape($0.1))\"" }.joined()
    }
}
