import Autograd

/// y = x·Wᵀ + b, with PyTorch's layout: weight [out, in], bias [out].
public final class Linear: Module {
    /// The weight matrix, shape `[out, in]` (`weight`).
    public let weight: Tensor
    /// The bias, shape `[out]`, or nil when built with `bias: false`.
    public let bias: Tensor?
    /// The input width.
    public let inFeatures: Int
    /// The output width.
    public let outFeatures: Int

    /// A layer whose parameters start at zero; an `Initializer` fills them.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = Tensor.zeros([outFeatures, inFeatures])
        self.bias = bias ? Tensor.zeros([outFeatures]) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    /// Maps `[N, in]` to `[N, out]`.
    public override func forward(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }

    /// `Linear(in, out)`.
    public override var summary: String { "Linear(\(inFeatures), \(outFeatures))" }
}
