import Autograd

/// One-dimensional convolution over [N, C, L], stride 1, zero padding; weight [out, in, k].
public final class Conv1d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let padding: Int

    /// A layer whose parameters start at zero; an `Initializer` fills them.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, padding: Int = 0, bias: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.padding = padding
        self.weight = Tensor.zeros([outChannels, inChannels, kernelSize])
        self.bias = bias ? Tensor.zeros([outChannels]) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public override func forward(_ x: Tensor) -> Tensor {
        conv1d(x, weight: weight, bias: bias, padding: padding)
    }

    /// `forward` on channel-major input `[C, N, L]`, giving `[O, N, L_out]`; see
    /// `conv1d(channelMajor:weight:bias:padding:)`.
    func forwardChannelMajor(_ x: Tensor) -> Tensor {
        conv1d(channelMajor: x, weight: weight, bias: bias, padding: padding)
    }

    public override var summary: String {
        "Conv1d(\(inChannels), \(outChannels), k=\(kernelSize), p=\(padding))"
    }
}
