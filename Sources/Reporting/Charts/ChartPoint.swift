/// One (x, y) data point of a line chart.
public struct ChartPoint: Equatable, Sendable {
    /// The horizontal coordinate, in data units.
    public var x: Double
    /// The vertical coordinate, in data units.
    public var y: Double

    /// The point (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
