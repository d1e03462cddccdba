import Autograd
import CKernels

/// RMSprop as PyTorch implements it:
///
///     g ← ∇ + λ·p
///     s ← α·s + (1 − α)·g²
///     centered: a ← α·a + (1 − α)·g;  d ← √(s − a²) + ε;  else d ← √s + ε
///     momentum μ > 0: b ← μ·b + g/d;  p ← p − γ·b;  else p ← p − γ·g/d
public final class RMSprop: Optimizer {
    /// The smoothing constant α of the squared-gradient average.
    public let alpha: Float
    /// The ε added to the denominator.
    public let eps: Float
    /// The momentum μ; 0 for none.
    public let momentum: Float
    /// Whether the gradient is normalized by an estimate of its variance rather than its raw second moment.
    public let centered: Bool
    /// The L2 weight decay λ added to the gradient.
    public let weightDecay: Float

    /// RMSprop over `parameters` with PyTorch's defaults.
    public init(parameters: [Tensor], learningRate: Float = 0.01, alpha: Float = 0.99, eps: Float = 1e-8,
                momentum: Float = 0, centered: Bool = false, weightDecay: Float = 0) {
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum
        self.centered = centered
        self.weightDecay = weightDecay
        super.init(parameters: parameters, learningRate: learningRate)
    }

    /// Applies RMSprop's rule to one parameter, keeping `square_avg` (and `grad_avg`, `momentum_buffer`) as state.
    public override func update(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                count: Int, index: Int) {
        let s = stateBuffer("square_avg", index: index, count: count)
        let a = centered ? stateBuffer("grad_avg", index: index, count: count) : nil
        let b = momentum > 0 ? stateBuffer("momentum_buffer", index: index, count: count) : nil
        // In C for the AVX2 and AVX-512 clones; the same operations as the rule above, in order.
        ck_rmsprop_update(p, g, s, a, b, count, ck_rmsprop_step(learning_rate: learningRate, alpha: alpha, eps: eps,
                                                                momentum: momentum, weight_decay: weightDecay))
    }
}
