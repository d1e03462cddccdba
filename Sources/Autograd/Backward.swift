extension Tensor {
    /// Back-propagates from this tensor, accumulating into the `grad` of every leaf that
    /// requires one.
    ///
    /// - Parameter gradient: the gradient of some scalar with respect to this tensor; defaults
    ///   to 1 for a one-element tensor.
    ///
    /// The walk is iterative (a 1,000-layer network does not touch the stack), visits ops in
    /// reverse creation order, and fires each leaf's `gradientReadyHook` as soon as the last op
    /// that read it has contributed. Intermediate gradients are released as soon as they are
    /// used, so peak memory stays at one layer's worth of gradient beyond the activations.
    public func backward(gradient: Tensor? = nil) {
        if gradient == nil {
            precondition(count == 1, "backward() without a gradient needs a scalar, shape is \(shape)")
        }
        guard requiresGrad else { return }
        let seed = gradient ?? Tensor(repeating: 1, shape: shape)
        precondition(seed.count == count, "backward: gradient shape \(seed.shape) for \(shape)")

        // Collect the ops reachable from here and count, for each leaf, how many edges lead
        // to it: that many contributions make its gradient final.
        var ops: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var pendingUses: [ObjectIdentifier: Int] = [:]
        var stack: [Tensor] = [self]
        visited.insert(ObjectIdentifier(self))
        while let t = stack.popLast() {
            guard let fn = t.gradFn else { continue }
            ops.append(t)
            for input in fn.inputs where input.requiresGrad {
                let id = ObjectIdentifier(input)
                if input.gradFn == nil {
                    pendingUses[id, default: 0] += 1
                } else if visited.insert(id).inserted {
                    stack.append(input)
                }
            }
        }
        ops.sort { $0.gradFn!.sequence > $1.gradFn!.sequence }

        if gradFn == nil {
            // Backward from a leaf: its gradient is the seed.
            accumulateGradient(adding: seed.pointer)
            gradientReadyHook?(self)
            return
        }
        grad = seed.copy()

        for t in ops {
            let fn = t.gradFn!
            if let g = t.grad {
                t.grad = nil
                fn.backward?(g, t)
            }
            for input in fn.inputs where input.requiresGrad && input.gradFn == nil {
                let id = ObjectIdentifier(input)
                let left = pendingUses[id]! - 1
                pendingUses[id] = left
                if left == 0 { input.gradientReadyHook?(input) }
            }
        }
    }
}
