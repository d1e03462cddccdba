import Autograd
import CKernels

/// Adam and AdamW with PyTorch's bias correction and eps placement:
///
///     g ← ∇ + λ·p                         (Adam; AdamW instead does p ← p·(1 − γλ))
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     p ← p − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
public final class Adam: Optimizer {
    /// The decay β₁ of the first-moment estimate (PyTorch's `betas[0]`).
    public let beta1: Float
    /// The decay β₂ of the second-moment estimate (PyTorch's `betas[1]`).
    public let beta2: Float
    /// The ε added to the bias-corrected √v in the denominator.
    public let eps: Float
    /// The weight decay λ: an L2 term in the gradient, or decoupled (AdamW).
    public let weightDecay: Float
    /// Decoupled weight decay (AdamW) rather than L2 added to the gradient (Adam).
    public let decoupledWeightDecay: Bool

    /// Adam over `parameters` with PyTorch's defaults; set `decoupledWeightDecay` for AdamW.
    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                eps: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        super.init(parameters: parameters, learningRate: learningRate)
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default weight decay there is 0.01).
    public static func adamW(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9,
                             beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// Applies Adam's rule to one parameter, keeping `exp_avg` and `exp_avg_sq` as state.
    public override func update(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                count: Int, index: Int) {
        let m = stateBuffer("exp_avg", index: index, count: count)
        let v = stateBuffer("exp_avg_sq", index: index, count: count)
        let t = Float(stepCount)
        let bc1 = 1 - pow(beta1, t), bc2Sqrt = (1 - pow(beta2, t)).squareRoot()
        let stepSize = learningRate / bc1
        let decay: Float = decoupledWeightDecay ? 1 - learningRate * weightDecay : 1
        let l2: Float = decoupledWeightDecay ? 0 : weightDecay
        // In C for the AVX2 and AVX-512 clones; the same operations as the rule above, in order.
        ck_adam_update(p, g, m, v, count, ck_adam_step(step_size: stepSize, beta1: beta1, beta2: beta2,
                                                       bias_correction2_sqrt: bc2Sqrt, eps: eps,
                                                       decay: decay, l2: l2))
    }
}

@inline(__always) func pow(_ base: Float, _ exponent: Float) -> Float {
    Float(_pow(Double(base), Double(exponent)))
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _pow(_ a: Double, _ b: Double) -> Double { Glibc.pow(a, b) }
#else
import Darwin
@inline(__always) private func _pow(_ a: Double, _ b: Double) -> Double { Darwin.pow(a, b) }
#endif
