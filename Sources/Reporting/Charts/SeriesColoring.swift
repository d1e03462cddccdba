/// How a chart assigns colours to its series.
public enum SeriesColoring: Sendable {
    /// Unrelated series: distinct colours (and dashes past seven series).
    case categorical
    /// Ordered series such as layers by depth: a dark-to-light gradient.
    case sequential
}
