import NN

/// How weights start: the `initializer` field and `--init`.
public enum InitializerChoice: String, ConfigChoice {
    /// PyTorch's default for Linear and Conv1d: U(±1/√fan_in) weights and biases.
    case torchDefault = "torch-default"
    /// He init, normal: N(0, (gain/√fan)²).
    case kaimingNormal = "kaiming-normal"
    /// He init, uniform: U(±gain·√(3/fan)).
    case kaimingUniform = "kaiming-uniform"
    /// Glorot init, normal.
    case xavierNormal = "xavier-normal"
    /// Glorot init, uniform.
    case xavierUniform = "xavier-uniform"

    /// The NN initializer with Kaiming's fan `mode` and a `gain` (nil: √2 for Kaiming, 1 for
    /// Xavier, as PyTorch). Torch-default uses neither.
    public func initializer(mode: Initializer.FanMode, gain: Float?) -> Initializer {
        switch self {
        case .torchDefault: .torchDefault
        case .kaimingNormal: .kaimingNormal(mode: mode, gain: gain ?? Float(2).squareRoot())
        case .kaimingUniform: .kaimingUniform(mode: mode, gain: gain ?? Float(2).squareRoot())
        case .xavierNormal: .xavierNormal(gain: gain ?? 1)
        case .xavierUniform: .xavierUniform(gain: gain ?? 1)
        }
    }
}
