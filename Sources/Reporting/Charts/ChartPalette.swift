/// Series colours and dash patterns that stay distinguishable for colour-blind readers.
///
/// Categorical colours are Okabe and Ito's palette (yellow left out: it vanishes on white).
/// Past the seventh series the colours repeat with a dash pattern, so every series still
/// differs from every other.
public enum ChartPalette {
    /// The categorical colours, in the order series receive them.
    public static let categorical = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]

    /// Dash patterns for each pass through the colours; nil is a solid line.
    static let dashes: [String?] = [nil, "6 3", "2 2", "8 3 2 3"]

    /// The colour of series `index`.
    static func categoricalColor(_ index: Int) -> String {
        categorical[index % categorical.count]
    }

    /// The dash pattern of series `index`, nil for solid.
    static func dash(_ index: Int) -> String? {
        dashes[(index / categorical.count) % dashes.count]
    }

    /// The colour of series `index` of `count` when series are ordered (e.g. layers by
    /// depth): evenly spaced along viridis, stopping short of its pale yellow end.
    static func sequentialColor(_ index: Int, of count: Int) -> String {
        let t = count <= 1 ? 0 : Double(index) / Double(count - 1) * 0.9
        return ColorScale.viridis(t)
    }
}
