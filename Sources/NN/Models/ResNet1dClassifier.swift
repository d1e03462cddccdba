import Autograd

/// The seed's Conv1d ResNet trunk as a sequence classifier: a 1×1 conv in, `depth` residual
/// blocks of `width` channels, the mean over the length, and a Linear from `width` to
/// `classes` logits. Input [N, inputs, L], output [N, classes].
///
/// Parameters are named as PyTorch names the equivalent module (`conv_in`, `blocks.i.conv1`,
/// …, `fc`): the seed's trunk followed by `nn.AdaptiveAvgPool1d(1)`, flatten and
/// `nn.Linear(width, classes)`. The pooling has no parameters, so its name never appears.
public final class ResNet1dClassifier: Module {
    /// The 1×1 convolution from `inputs` to `width` channels (`conv_in`).
    public let convIn: Conv1d
    /// The `depth` residual blocks of `width` channels (`blocks.i`).
    public let blocks: Sequential
    /// The classifier head from the pooled `width` features to `classes` logits (`fc`).
    public let fc: Linear

    /// Builds the classifier; parameters start at zero until an initializer or state dict fills them.
    public init(inputs: Int, width: Int, depth: Int, classes: Int, activation: ActivationKind = .relu,
                batchNorm: Bool = false, residual: Bool = true) {
        convIn = Conv1d(inputs, width, kernelSize: 1)
        blocks = ResNet1dTrunk.blocks(width: width, depth: depth, activation: activation, batchNorm: batchNorm,
                                      residual: residual)
        fc = Linear(width, classes)
        super.init()
        registerModule("conv_in", convIn)
        registerModule("blocks", blocks)
        registerModule("fc", fc)
    }

    /// Maps `[N, inputs, L]` to logits `[N, classes]`, averaging the trunk's output over the length.
    public override func forward(_ x: Tensor) -> Tensor {
        if let h = ResNet1dTrunk.channelMajorOutput(x, convIn: convIn, blocks: blocks, owner: self) {
            // Pooling channel-major [C, N, L] gives [C, N]; only that small matrix is transposed.
            return fc(h.averagePooledOverLength().transposed())
        }
        return fc(blocks(convIn(x)).averagePooledOverLength())
    }
}
