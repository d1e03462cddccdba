import Autograd

/// The elementwise nonlinearities a model can use.
public enum ActivationKind: Equatable, Sendable, Codable {
    /// The parameter-free classics: logistic sigmoid, hyperbolic tangent, max(0, x), and GELU.
    case sigmoid, tanh, relu, gelu
    /// max(x, slope·x), as PyTorch's LeakyReLU(negative_slope); the CLI's `leaky-relu` uses 0.01.
    case leakyRelu(slope: Float)
    /// x for x > 0, else α·(eˣ − 1), as PyTorch's ELU(alpha); the CLI's `elu` uses 1.
    case elu(alpha: Float)

    /// Parses the CLI spelling: sigmoid, tanh, relu, leaky-relu, elu, gelu.
    public init?(name: String) {
        switch name {
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "gelu": self = .gelu
        case "leaky-relu", "leaky_relu", "leakyrelu": self = .leakyRelu(slope: 0.01)
        case "elu": self = .elu(alpha: 1)
        default: return nil
        }
    }

    /// The CLI spelling.
    public var name: String {
        switch self {
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .relu: "relu"
        case .gelu: "gelu"
        case .leakyRelu: "leaky-relu"
        case .elu: "elu"
        }
    }

    /// All CLI spellings, for help and error messages.
    public static let allNames = ["sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu"]

    /// Whether the unit saturates at both ends (its derivative vanishes for large |x|).
    public var saturates: Bool { self == .sigmoid || self == .tanh }

    /// Applies the function.
    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .sigmoid: x.sigmoid()
        case .tanh: x.tanh()
        case .relu: x.relu()
        case .gelu: x.gelu()
        case .leakyRelu(let slope): x.leakyRelu(slope: slope)
        case .elu(let alpha): x.elu(alpha: alpha)
        }
    }
}

/// A parameter-free activation layer (PyTorch's nn.Sigmoid, nn.ReLU, …).
public final class Activation: Module {
    /// The function this layer applies.
    public let kind: ActivationKind

    /// A layer applying `kind` elementwise.
    public init(_ kind: ActivationKind) {
        self.kind = kind
        super.init()
    }

    /// Applies the activation elementwise; the output has the input's shape.
    public override func forward(_ x: Tensor) -> Tensor { kind.apply(x) }

    /// The activation's CLI name, e.g. `relu`.
    public override var summary: String { kind.name }
}

/// Passes its input through unchanged (PyTorch's nn.Identity).
public final class Identity: Module {
    /// Returns `x` itself.
    public override func forward(_ x: Tensor) -> Tensor { x }
}
