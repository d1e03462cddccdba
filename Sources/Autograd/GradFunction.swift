/// The record an op leaves on its output: which tensors it read, and how to send a gradient
/// back to them.
public final class GradFunction {
    /// Creation order. Ops run in this order, so walking it backwards is a topological order of
    /// the graph: backward needs no recursion, whatever the depth.
    public let sequence: Int
    /// The op's name, for error messages and debugging.
    public let name: String
    /// The tensors the op read, in the op's argument order.
    @exclusivity(unchecked) public private(set) var inputs: [Tensor]  // single-threaded, as Tensor's fields
    /// Accumulates the op's input gradients, given the gradient of its output and the output
    /// itself (passed in, rather than captured, so that the output does not keep itself alive).
    /// Nil only once the graph has been dismantled, when nothing can reach this op any more.
    @exclusivity(unchecked) private(set) var backward: ((_ gradOutput: Tensor, _ output: Tensor) -> Void)?

    nonisolated(unsafe) private static var counter = 0

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor, Tensor) -> Void) {
        GradFunction.counter &+= 1
        self.sequence = GradFunction.counter
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }

    /// Releases the graph behind `slot` (a dying tensor's `gradFn`) with a worklist.
    ///
    /// Left to ARC, releasing a graph recurses tensor → op → input → op → …: the stack grows
    /// with the graph's depth, and about 2,000 ops overflow a 512 KiB thread stack. Here each
    /// op that nothing else references hands its inputs to a local list; an input that is thereby
    /// dying gives up its own op to the worklist before it is released, so no release recurses.
    /// An op or tensor still referenced elsewhere is left alone, to be freed by its last owner.
    static func dismantle(_ slot: inout GradFunction?) {
        guard var fn = slot else { return }
        slot = nil
        // Most ops have at most one input with a graph behind it (a chain of layers), so the
        // next op waits in `next`; only branches spill into `pending`, which allocates.
        var next: GradFunction?
        var pending: [GradFunction] = []
        while true {
            if isKnownUniquelyReferenced(&fn) {
                var inputs = fn.inputs
                fn.inputs = []
                // The closure captures the inputs too; `inputs` keeps them alive past this line.
                fn.backward = nil
                while var t = inputs.popLast() {
                    guard isKnownUniquelyReferenced(&t), let op = t.gradFn else { continue }
                    t.gradFn = nil
                    if next == nil { next = op } else { pending.append(op) }
                }
            }
            if let op = next {
                next = nil
                fn = op
            } else if let op = pending.popLast() {
                fn = op
            } else {
                return
            }
        }
    }
}

extension Tensor {
    /// Attaches a `GradFunction` to `self` if grad mode is on and any input requires a
    /// gradient. Ops call this on their freshly computed output.
    @discardableResult
    func recording(_ name: String, _ inputs: [Tensor],
                   _ backward: @escaping (_ gradOutput: Tensor, _ output: Tensor) -> Void) -> Tensor {
        guard GradMode.isEnabled else { return self }
        var any = false
        for t in inputs where t.requiresGrad { any = true; break }
        guard any else { return self }
        requiresGrad = true
        gradFn = GradFunction(name: name, inputs: inputs, backward: backward)
        return self
    }

    /// Adds a contribution to this tensor's gradient. `body` receives the destination and
    /// whether it already holds a gradient (accumulate) or is fresh, uninitialized memory
    /// (overwrite). Letting the op choose saves a fill and an add: BLAS writes with beta 0 or 1.
    /// A gradient zeroed by `zeroGrad()` counts as fresh: its stale values are overwritten.
    @inlinable
    public func accumulateGradient(_ body: (UnsafeMutablePointer<Float>, _ accumulate: Bool) -> Void) {
        guard requiresGrad else { return }
        if let g = storedGrad {
            body(g.pointer, !gradIsStale)
            gradIsStale = false
        } else {
            let g = Tensor(uninitialized: shape)
            body(g.pointer, false)
            grad = g
        }
    }

    /// Adds `g` (as many scalars as this tensor, in its layout) to its gradient; when there is
    /// no gradient yet, `g`'s storage becomes the gradient instead of being copied.
    ///
    /// Only for a gradient that nothing else will read or write afterwards: the output gradient
    /// an op's backward receives (the engine lets go of it after the op), or a temporary the op
    /// just computed. An op that sends one gradient to two inputs may hand it over to the
    /// first only, and must copy it to the second before anything writes to the first's.
    func accumulateGradient(taking g: Tensor) {
        guard requiresGrad else { return }
        if storedGrad == nil {
            grad = g.shape == shape ? g : Tensor(shape: shape, storage: g.storage)
        } else {
            accumulateGradient(adding: g.pointer)
        }
    }

    /// Adds `values` (count scalars, laid out like this tensor) to its gradient.
    @inlinable
    public func accumulateGradient(adding values: UnsafePointer<Float>) {
        accumulateGradient { dst, accumulate in
            if accumulate {
                for i in 0..<count { dst[i] += values[i] }
            } else {
                dst.update(from: values, count: count)
            }
        }
    }
}
