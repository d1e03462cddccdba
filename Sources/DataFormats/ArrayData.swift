/// A dense row-major array read from (or to be written to) a data file.
///
/// Values are always `Float`, whatever the file held; `elementType` records what that was, so that
/// a reader can tell class labels (integers) from regression targets. A plain value: nothing
/// enforces that `values.count` matches `shape`, but the writers check it.
public struct ArrayData: Equatable, Sendable {
    /// The extent of each axis, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements in row-major (C) order.
    public var values: [Float]
    /// The element type in the file before conversion to `Float`.
    public var elementType: ElementType

    /// Creates an array; `values.count` should equal the product of `shape`.
    public init(shape: [Int], values: [Float], elementType: ElementType = .float32) {
        self.shape = shape
        self.values = values
        self.elementType = elementType
    }

    /// Whether the file held integers (class labels), not floating-point values.
    public var isInteger: Bool { elementType.isInteger }

    /// The number of elements `shape` calls for, or `nil` if an extent is negative or the product
    /// overflows `Int`. Readers call this on untrusted shapes before allocating anything.
    public static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}

extension ArrayData {
    /// `shape` as `[2, 3]` for error messages, cut short if a hostile file gives thousands of axes.
    static func describe(shape: [Int]) -> String {
        let limit = 8
        var parts = shape.prefix(limit).map(String.init)
        if shape.count > limit { parts.append("… \(shape.count) axes") }
        return "[\(parts.joined(separator: ", "))]"
    }
}
