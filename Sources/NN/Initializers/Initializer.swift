import Autograd

/// How weights and biases of Linear and Conv1d layers start.
///
/// `torchDefault` is what PyTorch does when you do nothing: weights from
/// `kaiming_uniform_(a=√5)`, which is U(±1/√fan_in), and biases U(±1/√fan_in). The seed calls
/// this "Kaiming initialization", but it is √6 times narrower than He init; for deep sigmoid
/// nets the difference in gradient flow is orders of magnitude, which this tool lets users see.
public enum Initializer: Equatable, Sendable, Codable {
    /// PyTorch's default for Linear and Conv1d.
    case torchDefault
    /// N(0, (gain/√fan)²), PyTorch's `kaiming_normal_`.
    case kaimingNormal(mode: FanMode = .fanIn, gain: Float = Float(2).squareRoot())
    /// U(±gain·√(3/fan)), PyTorch's `kaiming_uniform_`.
    case kaimingUniform(mode: FanMode = .fanIn, gain: Float = Float(2).squareRoot())
    /// N(0, gain²·2/(fan_in + fan_out)), PyTorch's `xavier_normal_`.
    case xavierNormal(gain: Float = 1)
    /// U(±gain·√(6/(fan_in + fan_out))), PyTorch's `xavier_uniform_`.
    case xavierUniform(gain: Float = 1)

    /// Which fan Kaiming schemes scale by.
    public enum FanMode: String, Sendable, Codable { case fanIn = "fan_in", fanOut = "fan_out" }

    /// The CLI names: torch-default, kaiming-normal, kaiming-uniform, xavier-normal, xavier-uniform.
    public static let allNames = ["torch-default", "kaiming-normal", "kaiming-uniform", "xavier-normal", "xavier-uniform"]

    /// Parses a CLI name, with the gain taken from `gain` (see `Initializer.gain(for:)`).
    public init?(name: String, mode: FanMode = .fanIn, gain: Float? = nil) {
        switch name {
        case "torch-default", "default": self = .torchDefault
        case "kaiming-normal": self = .kaimingNormal(mode: mode, gain: gain ?? Float(2).squareRoot())
        case "kaiming-uniform": self = .kaimingUniform(mode: mode, gain: gain ?? Float(2).squareRoot())
        case "xavier-normal": self = .xavierNormal(gain: gain ?? 1)
        case "xavier-uniform": self = .xavierUniform(gain: gain ?? 1)
        default: return nil
        }
    }

    /// The CLI name.
    public var name: String {
        switch self {
        case .torchDefault: "torch-default"
        case .kaimingNormal: "kaiming-normal"
        case .kaimingUniform: "kaiming-uniform"
        case .xavierNormal: "xavier-normal"
        case .xavierUniform: "xavier-uniform"
        }
    }

    /// PyTorch's `calculate_gain` for a nonlinearity: linear 1, relu √2, leaky_relu(a)
    /// √(2/(1+a²)), tanh 5/3, sigmoid 1, selu 3/4. Nil for an unknown name.
    public static func gain(for nonlinearity: String, negativeSlope: Float = 0.01) -> Float? {
        switch nonlinearity {
        case "linear", "identity", "conv1d", "sigmoid": 1
        case "relu": Float(2).squareRoot()
        case "leaky_relu", "leaky-relu": (2 / (1 + negativeSlope * negativeSlope)).squareRoot()
        case "tanh": 5.0 / 3
        case "selu": 0.75
        default: nil
        }
    }

    /// The fan-in and fan-out of a weight [out, in, k…] as PyTorch computes them.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "fans need a weight of rank ≥ 2, got \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Fills `weight` in place, drawing from `generator`.
    public func initializeWeight(_ weight: Tensor, generator: inout RandomGenerator) {
        let (fanIn, fanOut) = Initializer.fans(weight.shape)
        let p = weight.pointer
        switch self {
        case .torchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<weight.count { p[i] = generator.uniform(-bound, bound) }
        case .kaimingNormal(let mode, let gain):
            let std = gain / Float(mode == .fanIn ? fanIn : fanOut).squareRoot()
            for i in 0..<weight.count { p[i] = std * generator.normal() }
        case .kaimingUniform(let mode, let gain):
            let bound = gain * (3 / Float(mode == .fanIn ? fanIn : fanOut)).squareRoot()
            for i in 0..<weight.count { p[i] = generator.uniform(-bound, bound) }
        case .xavierNormal(let gain):
            let std = gain * (2 / Float(fanIn + fanOut)).squareRoot()
            for i in 0..<weight.count { p[i] = std * generator.normal() }
        case .xavierUniform(let gain):
            let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            for i in 0..<weight.count { p[i] = generator.uniform(-bound, bound) }
        }
    }

    /// Fills the bias of a layer whose weight is `weight`: U(±1/√fan_in) under `torchDefault`,
    /// else `biasInit` (zero unless given).
    public func initializeBias(_ bias: Tensor, weight: Tensor, biasInit: BiasInitializer?,
                               generator: inout RandomGenerator) {
        switch biasInit ?? (self == .torchDefault ? .torchDefault : .constant(0)) {
        case .torchDefault:
            let bound = 1 / Float(Initializer.fans(weight.shape).fanIn).squareRoot()
            for i in 0..<bias.count { bias.pointer[i] = generator.uniform(-bound, bound) }
        case .constant(let value):
            bias.fill(value)
        }
    }

    /// Initializes every Linear and Conv1d in `model`, in state-dict order, from one generator.
    /// BatchNorm layers keep weight 1 and bias 0, as in PyTorch.
    public func apply(to model: Module, biasInit: BiasInitializer? = nil, generator: inout RandomGenerator) {
        for (_, module) in model.namedModules() {
            let pair: (Tensor, Tensor?)?
            switch module {
            case let l as Linear: pair = (l.weight, l.bias)
            case let c as Conv1d: pair = (c.weight, c.bias)
            default: pair = nil
            }
            guard let (weight, bias) = pair else { continue }
            initializeWeight(weight, generator: &generator)
            if let bias { initializeBias(bias, weight: weight, biasInit: biasInit, generator: &generator) }
        }
    }
}

/// How biases start when the weight scheme does not decide it.
public enum BiasInitializer: Equatable, Sendable, Codable {
    /// U(±1/√fan_in), PyTorch's default.
    case torchDefault
    /// Every bias set to a constant (zero is the usual choice with Kaiming and Xavier).
    case constant(Float)
}
