import Collectives

/// How gradient buckets travel over the network.
public enum GradientCompression: String, Sendable, CaseIterable, Codable {
    /// Float32, exact.
    case none
    /// IEEE half precision: half the bytes; values below about 6e-8 (after the 1/world
    /// pre-scaling) flush to zero, which matters for gradients that already vanish.
    case fp16
    /// bfloat16: half the bytes, Float's range, about 3 significant digits.
    case bf16

    var precision: ReducedPrecision? {
        switch self {
        case .none: nil
        case .fp16: .fp16
        case .bf16: .bf16
        }
    }
}
