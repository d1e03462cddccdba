import Autograd

/// Updates parameters from their gradients. Subclasses implement one rule each, exactly as
/// PyTorch's optimizer of the same name documents it, so trajectories can be compared.
///
/// The optimizer holds the parameter list and its own per-parameter state (momentum buffers,
/// moment estimates), never the model: the same model can be trained by any optimizer.
open class Optimizer {
    /// The parameters, in the order given.
    public let parameters: [Tensor]
    /// The learning rate used by the next `step()`; schedules set it before each step.
    public var learningRate: Float
    /// Steps taken so far.
    public internal(set) var stepCount = 0
    /// Per-parameter state tensors by name (e.g. "exp_avg"), created lazily on the first step.
    public internal(set) var state: [[String: Tensor]] {
        didSet { resolved = Array(repeating: [], count: state.count) }
    }
    /// `state`'s buffers as `stateBuffer` found them, per parameter. An update asks for its
    /// buffers every step, and at small batches hashing their names cost more than a small
    /// layer's arithmetic; rules have at most three names, which compare in a few instructions.
    private var resolved: [[(name: String, pointer: UnsafeMutablePointer<Float>)]]

    /// An optimizer over `parameters` starting at `learningRate`, with no state yet.
    public init(parameters: [Tensor], learningRate: Float) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.state = Array(repeating: [:], count: parameters.count)
        self.resolved = Array(repeating: [], count: parameters.count)
    }

    /// Applies one update to every parameter that has a gradient.
    public func step() {
        stepCount += 1
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            update(p.pointer, gradient: g.pointer, count: p.count, index: i)
        }
    }

    /// Zeroes every parameter's gradient, keeping the storage.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// Updates one parameter in place. `index` selects its state.
    open func update(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                     count: Int, index: Int) {
        preconditionFailure("\(type(of: self)) must override update")
    }

    /// The state tensor `name` of parameter `index`, created zeroed on first use.
    public func stateBuffer(_ name: String, index: Int, count: Int) -> UnsafeMutablePointer<Float> {
        for entry in resolved[index] where entry.name == name { return entry.pointer }
        let tensor: Tensor
        if let existing = state[index][name] {
            tensor = existing
        } else {
            tensor = Tensor.zeros([count])
            state[index][name] = tensor  // resets `resolved`: it is filled again from `state`
        }
        resolved[index].append((name, tensor.pointer))
        return tensor.pointer
    }

    /// Whether parameter `index` already has state `name` (momentum starts differently).
    public func hasState(_ name: String, index: Int) -> Bool { state[index][name] != nil }

    /// The state as flat named tensors ("<index>.<name>"), sorted for a stable file layout.
    public func namedState() -> [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        for (i, entries) in state.enumerated() {
            for key in entries.keys.sorted() { result.append(("\(i).\(key)", entries[key]!)) }
        }
        return result
    }

    /// Restores state saved by `namedState()`; names that do not parse are reported.
    public func loadNamedState(_ entries: [(name: String, values: [Float])], stepCount: Int) throws {
        var fresh = Array(repeating: [String: Tensor](), count: parameters.count)
        for (name, values) in entries {
            let parts = name.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let i = Int(parts[0]), i >= 0, i < parameters.count,
                  values.count == parameters[i].count else {
                throw OptimizerStateError(message: "optimizer state '\(name)' does not match the model's parameters")
            }
            fresh[i][String(parts[1])] = Tensor(values, shape: [values.count])
        }
        state = fresh
        self.stepCount = stepCount
    }
}

/// Optimizer state that does not fit the model it is loaded into.
public struct OptimizerStateError: Error, CustomStringConvertible {
    /// What did not match, naming the offending state entry.
    public let message: String
    /// The message.
    public var description: String { message }
}
