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
        blocks = Sequential((0..<depth).map { _ in
            ResidualBlock(width, width, activation: activation, batchNorm: batchNorm, residual: residual)
        })
        fc = Linear(width, classes)
        super.init()
        registerModule("conv_in", convIn)
        registerModule("blocks", blocks)
        registerModule("fc", fc)
    }

    /// Maps `[N, inputs, L]` to logits `[N, classes]`, averaging the trunk's output over the length.
    public override func forward(_ x: Tensor) -> Tensor {
        if let residualBlocks = channelMajorBlocks {
            // As ResNet1d: channel-major from the first convolution to the last. Pooling
            // channel-major [C, N, L] gives [C, N], and only that small matrix is transposed.
            var h = convIn.forwardChannelMajor(x.permuted([1, 0, 2]))
            for block in residualBlocks { h = block.forwardChannelMajor(h) }
            return fc(h.averagePooledOverLength().transposed())
        }
        return fc(blocks(convIn(x)).averagePooledOverLength())
    }

    /// The blocks, when the trunk can run channel-major (see ``ResidualBlock/runsChannelMajor``):
    /// no batch norm, no forward hooks below.
    private var channelMajorBlocks: [ResidualBlock]? {
        guard !hasForwardHooksBelow else { return nil }
        var result: [ResidualBlock] = []
        for layer in blocks.layers {
            guard let block = layer as? ResidualBlock, block.runsChannelMajor else { return nil }
            result.append(block)
        }
        return result
    }
}
