import NN

/// The hidden layers' nonlinearity: the `activation` field and `--activation`.
public enum ActivationChoice: String, ConfigChoice {
    /// 1 / (1 + e⁻ˣ).
    case sigmoid
    /// tanh(x).
    case tanh
    /// max(0, x).
    case relu
    /// Leaky ReLU with negative slope 0.01 (PyTorch's default).
    case leakyRelu = "leaky-relu"
    /// ELU with α = 1 (PyTorch's default).
    case elu
    /// GELU.
    case gelu

    /// The NN activation this setting builds.
    public var kind: ActivationKind {
        switch self {
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .relu: .relu
        case .leakyRelu: .leakyRelu(slope: 0.01)
        case .elu: .elu(alpha: 1)
        case .gelu: .gelu
        }
    }
}
