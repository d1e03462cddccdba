import NN

/// What the model already does against vanishing gradients, so that advice names only the
/// remedies not yet in use.
struct ModelTraits: Sendable, Equatable {
    /// The activation kinds used, in forward order, without repeats.
    var activations: [ActivationKind]
    var hasSkipConnections: Bool
    var hasBatchNorm: Bool
    /// The initializer, when known.
    var initializer: InitializerChoice?

    init(activations: [ActivationKind], hasSkipConnections: Bool, hasBatchNorm: Bool, initializer: InitializerChoice? = nil) {
        self.activations = activations
        self.hasSkipConnections = hasSkipConnections
        self.hasBatchNorm = hasBatchNorm
        self.initializer = initializer
    }

    init(model: Module, initializer: InitializerChoice? = nil) {
        var kinds: [ActivationKind] = []
        var skip = false, norm = false
        for (_, m) in model.namedModules() {
            if let a = m as? Activation, !kinds.contains(a.kind) { kinds.append(a.kind) }
            if m is Residual { skip = true }
            if let block = m as? ResidualBlock, block.shortcut != nil { skip = true }
            if m is BatchNorm1d { norm = true }
        }
        self.init(activations: kinds, hasSkipConnections: skip, hasBatchNorm: norm, initializer: initializer)
    }

    /// The saturating activations in use (sigmoid, tanh).
    var saturating: [ActivationKind] { activations.filter(\.saturates) }

    /// Remedies for vanishing gradients, after the seed's list: non-saturating activations,
    /// skip connections, normalization, initialization, then learning rate and batch size.
    func vanishingRemedies() -> [String] {
        var r: [String] = []
        if !saturating.isEmpty {
            r.append("--activation relu (or leaky-relu, elu) instead of \(saturating.map(\.name).joined(separator: "/"))")
        }
        if !hasSkipConnections { r.append("--residual for skip connections that carry the gradient past each layer") }
        if !hasBatchNorm { r.append("--batch-norm to keep pre-activations in the responsive range") }
        if initializer != .kaimingNormal {
            r.append("--init kaiming-normal (true He init; the torch default is U(±1/√fan_in))")
        }
        r.append("a tuned --lr with a larger batch (--global-batch-size), or an adaptive --optimizer adam")
        return r
    }

    /// The same remedies as bare flags, for one-line verdicts.
    func shortVanishingRemedies() -> [String] {
        var r: [String] = []
        if !saturating.isEmpty { r.append("--activation relu") }
        if !hasSkipConnections { r.append("--residual") }
        if !hasBatchNorm { r.append("--batch-norm") }
        if initializer != .kaimingNormal { r.append("--init kaiming-normal") }
        r.append("a tuned --lr and batch size")
        return r
    }

    /// Likely causes, in the order they usually matter.
    func vanishingCauses() -> [String] {
        var c: [String] = []
        for kind in saturating {
            c.append(kind == .sigmoid ? "sigmoid's derivative is at most 0.25, so every layer shrinks the gradient"
                                      : "tanh's derivative falls towards 0 away from the origin")
        }
        if !hasSkipConnections { c.append("a deep plain stack with no skip connections multiplies those factors") }
        c.append("initial weights too small for the depth")
        return c
    }
}
