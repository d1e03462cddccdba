import Autograd

/// The seed's Conv1d ResNet (Example 2): a 1×1 conv in, `depth` residual blocks of `width`
/// channels, a 1×1 conv out. Input [N, inputs, L], output [N, outputs, L]. Names follow the
/// seed's module: `conv_in`, `blocks.i.conv1`, …, `conv_out`.
public final class ResNet1d: Module {
    /// The 1×1 convolution from `inputs` to `width` channels (`conv_in`).
    public let convIn: Conv1d
    /// The `depth` residual blocks of `width` channels (`blocks.i`).
    public let blocks: Sequential
    /// The 1×1 convolution from `width` to `outputs` channels (`conv_out`).
    public let convOut: Conv1d

    /// Builds the network; parameters start at zero until an initializer or state dict fills them.
    public init(inputs: Int, width: Int, depth: Int, outputs: Int, activation: ActivationKind = .relu,
                batchNorm: Bool = false, residual: Bool = true) {
        convIn = Conv1d(inputs, width, kernelSize: 1)
        blocks = ResNet1dTrunk.blocks(width: width, depth: depth, activation: activation, batchNorm: batchNorm,
                                      residual: residual)
        convOut = Conv1d(width, outputs, kernelSize: 1)
        super.init()
        registerModule("conv_in", convIn)
        registerModule("blocks", blocks)
        registerModule("conv_out", convOut)
    }

    /// Maps `[N, inputs, L]` to `[N, outputs, L]`, channel-major inside when no batch norm or hook needs the usual layout.
    public override func forward(_ x: Tensor) -> Tensor {
        if let h = ResNet1dTrunk.channelMajorOutput(x, convIn: convIn, blocks: blocks, owner: self) {
            return convOut.forwardChannelMajor(h).permuted([1, 0, 2])
        }
        return convOut(blocks(convIn(x)))
    }
}
