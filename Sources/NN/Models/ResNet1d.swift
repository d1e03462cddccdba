import Autograd

/// The seed's Conv1d ResNet (Example 2): a 1×1 conv in, `depth` residual blocks of `width`
/// channels, a 1×1 conv out. Input [N, inputs, L], output [N, outputs, L]. Names follow the
/// seed's module: `conv_in`, `blocks.i.conv1`, …, `conv_out`.
public final class ResNet1d: Module {
    public let convIn: Conv1d
    public let blocks: Sequential
    public let convOut: Conv1d

    public init(inputs: Int, width: Int, depth: Int, outputs: Int, activation: ActivationKind = .relu,
                batchNorm: Bool = false, residual: Bool = true) {
        convIn = Conv1d(inputs, width, kernelSize: 1)
        blocks = Sequential((0..<depth).map { _ in
            ResidualBlock(width, width, activation: activation, batchNorm: batchNorm, residual: residual)
        })
        convOut = Conv1d(width, outputs, kernelSize: 1)
        super.init()
        registerModule("conv_in", convIn)
        registerModule("blocks", blocks)
        registerModule("conv_out", convOut)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        convOut(blocks(convIn(x)))
    }
}
