import Autograd

/// y = x·Wᵀ + b, with PyTorch's layout: weight [out, in], bias [out].
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let inFeatures: Int
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

    public override func forward(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }

    public override var summary: String { "Linear(\(inFeatures), \(outFeatures))" }
}
