import Autograd
import CKernels

/// Stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and weight decay:
///
///     g ← ∇ + λ·p
///     b ← g on the first step, else μ·b + (1 − τ)·g
///     g ← g + μ·b (Nesterov) or b
///     p ← p − γ·g
public final class SGD: Optimizer {
    /// The momentum μ; 0 for plain SGD.
    public let momentum: Float
    /// The dampening τ of the momentum update.
    public let dampening: Float
    /// Whether to use Nesterov momentum (needs μ > 0 and τ = 0).
    public let nesterov: Bool
    /// The L2 weight decay λ added to the gradient.
    public let weightDecay: Float

    /// SGD over `parameters`; traps if `nesterov` is set without momentum or with dampening.
    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov needs momentum > 0 and no dampening")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        super.init(parameters: parameters, learningRate: learningRate)
    }

    /// Applies SGD's rule to one parameter, keeping `momentum_buffer` as state when μ > 0.
    public override func update(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                count: Int, index: Int) {
        let lr = learningRate, wd = weightDecay, mu = momentum
        if mu == 0 {
            ck_sgd_update(p, g, count, lr, wd)
            return
        }
        let first = !hasState("momentum_buffer", index: index)
        let b = stateBuffer("momentum_buffer", index: index, count: count)
        // In C for the AVX2 and AVX-512 clones; the same operations as the rule above, in order.
        ck_sgd_momentum_update(p, g, b, count, ck_sgd_momentum_step(learning_rate: lr, momentum: mu,
                                                                    dampening: dampening, weight_decay: wd,
                                                                    nesterov: nesterov ? 1 : 0, first: first ? 1 : 0))
    }
}
