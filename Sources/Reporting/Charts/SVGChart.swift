/// A chart that renders itself as a standalone SVG document.
///
/// The SVG can be written to a `.svg` file or embedded in an `HTMLReport`; it needs no
/// scripts, stylesheets or fonts from elsewhere.
public protocol SVGChart: Sendable {
    /// The chart's title, also the SVG's accessible name.
    var title: String { get }
    /// The complete `<svg>` element, with the XML namespace declared.
    func svg() -> String
}
