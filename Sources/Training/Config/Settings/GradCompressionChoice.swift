import DataParallelism

/// The precision of the gradient allreduce: the `gradCompression` field and `--grad-compression`.
public enum GradCompressionChoice: String, ConfigChoice {
    /// Float32, exact.
    case none
    /// IEEE half precision.
    case fp16
    /// bfloat16.
    case bf16

    /// The data-parallel compression this setting selects.
    public var compression: GradientCompression {
        switch self {
        case .none: .none
        case .fp16: .fp16
        case .bf16: .bf16
        }
    }
}
