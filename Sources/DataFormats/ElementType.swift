/// The element type an array had in its file, before it was converted to `Float`.
public enum ElementType: String, CaseIterable, Sendable {
    /// IEEE 754 half precision (`F16`), 2 bytes.
    case float16
    /// bfloat16 (`BF16`): float32's exponent with a 7-bit mantissa, 2 bytes.
    case bfloat16
    /// IEEE 754 single precision (`F32`), 4 bytes.
    case float32
    /// IEEE 754 double precision (`F64`), 8 bytes.
    case float64
    /// Signed 32-bit integer (`I32`), 4 bytes.
    case int32
    /// Signed 64-bit integer (`I64`), 8 bytes.
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
