/// The element type an array had in its file, before it was converted to `Float`.
public enum ElementType: String, CaseIterable, Sendable {
    case float16
    case bfloat16
    case float32
    case float64
    case int32
    case int64

    /// The size of one element in the file, in bytes.
    public var byteCount: Int {
        switch self {
        case .float16, .bfloat16: 2
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// Whether the file held integers, as class labels usually are.
    public var isInteger: Bool {
        switch self {
        case .int32, .int64: true
        case .float16, .bfloat16, .float32, .float64: false
        }
    }
}
