/// Maps numbers in [0, 1] to colours of the viridis gradient.
///
/// Viridis is perceptually uniform and readable in greyscale and by colour-blind readers.
/// The gradient is interpolated linearly in RGB between nine samples of matplotlib's viridis.
enum ColorScale {
    private static let anchors: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x28, 0x78), (0x3E, 0x49, 0x89), (0x31, 0x68, 0x8E),
        (0x26, 0x82, 0x8E), (0x1F, 0x9E, 0x89), (0x35, 0xB7, 0x79), (0x6E, 0xCE, 0x58),
        (0xFD, 0xE7, 0x25),
    ]

    /// The viridis colour at `t` (clamped to [0, 1]) as `#rrggbb`; 0 is dark purple, 1 yellow.
    static func viridis(_ t: Double) -> String {
        let clamped = t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1)
        let position = clamped * Double(anchors.count - 1)
        let lower = Swift.min(Int(position), anchors.count - 2)
        let fraction = position - Double(lower)
        let (r0, g0, b0) = anchors[lower]
        let (r1, g1, b1) = anchors[lower + 1]
        return hex(r0 + (r1 - r0) * fraction, g0 + (g1 - g0) * fraction, b0 + (b1 - b0) * fraction)
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [r, g, b] {
            let value = Int(channel.rounded())
            text.append(digits[value / 16])
            text.append(digits[value % 16])
        }
        return text
    }
}
