import Autograd

/// The base class of every layer and model.
///
/// A module owns named parameters (trainable tensors), named buffers (state such as BatchNorm's
/// running statistics) and named child modules, all in registration order. That order defines
/// the state-dict names (`model.0.weight`) and their order, which match PyTorch's so that
/// weights move between the two one to one. Optimizers live outside modules and receive the
/// parameter list, as in MLX's MLXNN.
open class Module {
    /// Whether the module is in training mode (batch statistics) or evaluation mode.
    public private(set) var isTraining = true
    private var ownParameters: [(name: String, tensor: Tensor)] = []
    private var ownBuffers: [(name: String, tensor: Tensor)] = []
    private var ownChildren: [(name: String, module: Module)] = []

    /// Called with this module and its output after every forward pass, when set. Diagnostics
    /// use it to watch activation statistics without the model knowing about them.
    public var forwardHook: ((Module, Tensor) -> Void)?

    /// A module with no parameters, buffers or children; subclasses register theirs in their initializers.
    public init() {}

    /// Computes the module's output. Subclasses override this.
    open func forward(_ x: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) must override forward(_:)")
    }

    /// Runs `forward` and then the forward hook.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = forward(x)
        forwardHook?(self, y)
        return y
    }

    /// A short type name for summaries, e.g. `Linear(10, 128)`.
    open var summary: String { String(describing: type(of: self)) }

    /// Registers a trainable tensor under `name`; it will require a gradient.
    public func registerParameter(_ name: String, _ tensor: Tensor) {
        tensor.requiresGrad = true
        ownParameters.append((name, tensor))
    }

    /// Registers a non-trainable state tensor under `name`.
    public func registerBuffer(_ name: String, _ tensor: Tensor) {
        tensor.requiresGrad = false
        ownBuffers.append((name, tensor))
    }

    /// Registers a child module under `name`.
    @discardableResult
    public func registerModule<M: Module>(_ name: String, _ module: M) -> M {
        ownChildren.append((name, module))
        return module
    }

    /// Whether any module below this one has a forward hook. A model that computes several
    /// layers in one go without calling them (``ResNet1d``'s channel-major path) must call
    /// them instead while this is true, or their hooks would not run.
    var hasForwardHooksBelow: Bool {
        for (_, child) in ownChildren where child.forwardHook != nil || child.hasForwardHooksBelow { return true }
        return false
    }

    /// The direct children, in registration order.
    public var children: [(name: String, module: Module)] { ownChildren }

    /// Every module in the tree (this one first, with name `prefix`), depth first.
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var result: [(String, Module)] = [(prefix, self)]
        for (name, child) in ownChildren {
            result += child.namedModules(prefix: Module.join(prefix, name))
        }
        return result
    }

    /// Every parameter in the tree, with its state-dict name, in PyTorch's order.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = ownParameters.map { (Module.join(prefix, $0.name), $0.tensor) }
        for (name, child) in ownChildren {
            result += child.namedParameters(prefix: Module.join(prefix, name))
        }
        return result
    }

    /// Every buffer in the tree, with its state-dict name.
    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = ownBuffers.map { (Module.join(prefix, $0.name), $0.tensor) }
        for (name, child) in ownChildren {
            result += child.namedBuffers(prefix: Module.join(prefix, name))
        }
        return result
    }

    /// Parameters and buffers in PyTorch's `state_dict()` order: each module's parameters,
    /// then its buffers, then its children.
    public func stateDict(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = ownParameters.map { (Module.join(prefix, $0.name), $0.tensor) }
        result += ownBuffers.map { (Module.join(prefix, $0.name), $0.tensor) }
        for (name, child) in ownChildren {
            result += child.stateDict(prefix: Module.join(prefix, name))
        }
        return result
    }

    /// The parameters alone, in state-dict order.
    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// Switches this module and all children to training (true) or evaluation (false) mode.
    public func train(_ training: Bool = true) {
        isTraining = training
        for (_, child) in ownChildren { child.train(training) }
    }

    /// Switches to evaluation mode.
    public func eval() { train(false) }

    /// Zeroes every parameter's gradient, keeping its storage.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : "\(prefix).\(name)"
    }
}
