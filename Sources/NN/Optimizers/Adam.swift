import Autograd

/// Adam and AdamW with PyTorch's bias correction and eps placement:
///
///     g ← ∇ + λ·p                         (Adam; AdamW instead does p ← p·(1 − γλ))
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     p ← p − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    /// Decoupled weight decay (AdamW) rather than L2 added to the gradient (Adam).
    public let decoupledWeightDecay: Bool

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

    public override func update(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafeMutablePointer<Float>,
                                count: Int, index: Int) {
        let m = stateBuffer("exp_avg", index: index, count: count)
        let v = stateBuffer("exp_avg_sq", index: index, count: count)
        let t = Float(stepCount)
        let bc1 = 1 - pow(beta1, t), bc2Sqrt = (1 - pow(beta2, t)).squareRoot()
        let stepSize = learningRate / bc1
        let b1 = beta1, b2 = beta2, eps = eps, wd = weightDecay
        let decay: Float = decoupledWeightDecay ? 1 - learningRate * wd : 1
        let l2: Float = decoupledWeightDecay ? 0 : wd
        Lanes.forEachChunk(count) { i, n in
            let p0 = Lanes.load(p, i, n)
            let gi = Lanes.load(g, i, n) + l2 * p0
            let mi = b1 * Lanes.load(m, i, n) + (1 - b1) * gi
            let vi = b2 * Lanes.load(v, i, n) + (1 - b2) * gi * gi
            Lanes.store(mi, m, i, n)
            Lanes.store(vi, v, i, n)
            Lanes.store(p0 * decay - stepSize * mi / (vi.squareRoot() / bc2Sqrt + eps), p, i, n)
        }
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
