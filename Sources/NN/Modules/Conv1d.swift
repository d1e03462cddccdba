import Autograd

/// One-dimensional convolution over [N, C, L], stride 1, zero padding; weight [out, in, k].
public final class Conv1d: Module {
    /// The kernel, shape `[out, in, k]` (`weight`).
    public let weight: Tensor
    /// The per-output-channel bias, shape `[out]`, or nil when built with `bias: false`.
    public let bias: Tensor?
    /// The number of input channels C.
    public let inChannels: Int
    /// The number of output channels O.
    public let outChannels: Int
    /// The kernel width k.
    public let kernelSize: Int
    /// The zeros added at each end of the length axis.
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

    /// Maps `[N, C, L]` to `[N, O, L + 2·padding − k + 1]`, as PyTorch's `nn.Conv1d`.
    public override func forward(_ x: Tensor) -> Tensor {
        conv1d(x, weight: weight, bias: bias, padding: padding)
    }

    /// `forward` on channel-major input `[C, N, L]`, giving `[O, N, L_out]`; see
    /// `conv1d(channelMajor:weight:bias:padding:)`.
    func forwardChannelMajor(_ x: Tensor) -> Tensor {
        conv1d(channelMajor: x, weight: weight, bias: bias, padding: padding)
    }

    /// `Conv1d(in, out, k=…, p=…)`.
    public override var summary: String {
        "Conv1d(\(inChannels), \(outChannels), k=\(kernelSize), p=\(padding))"
    }
}
