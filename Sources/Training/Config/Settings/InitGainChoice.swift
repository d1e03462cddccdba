/// The nonlinearity whose gain Kaiming and Xavier initialization use (PyTorch's
/// `calculate_gain`): the `initGainNonlinearity` field and `--init-gain`.
public enum InitGainChoice: String, ConfigChoice {
    /// Gain 1.
    case linear
    /// Gain √2.
    case relu
    /// Gain √(2/(1 + 0.01²)), for negative slope 0.01.
    case leakyRelu = "leaky_relu"
    /// Gain 5/3.
    case tanh
    /// Gain 1.
    case sigmoid
    /// Gain 3/4.
    case selu

    /// The other names `Initializer.gain(for:)` has always accepted: `identity` and `conv1d`
    /// (gain 1, as linear) and `leaky-relu` (the activation's spelling).
    public static var aliases: [String: InitGainChoice] {
        ["identity": .linear, "conv1d": .linear, "leaky-relu": .leakyRelu]
    }

    /// PyTorch's `calculate_gain` for this nonlinearity (leaky ReLU with slope 0.01).
    public var gain: Float {
        switch self {
        case .linear, .sigmoid: 1
        case .relu: Float(2).squareRoot()
        case .leakyRelu: (2 / (1 + Float(0.01) * Float(0.01))).squareRoot()
        case .tanh: 5.0 / 3
        case .selu: 0.75
        }
    }
}
