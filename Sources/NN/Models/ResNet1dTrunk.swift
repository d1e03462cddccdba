import Autograd

/// What the seed's Conv1d ResNet and its classifier share: the residual blocks, and running
/// them channel-major (`[C, N, L]`) from the first convolution to the last when nothing needs
/// the usual layout. The owning module registers `conv_in` and `blocks` itself, so the
/// state-dict names stay PyTorch's.
enum ResNet1dTrunk {
    /// `depth` residual blocks of `width` channels.
    static func blocks(width: Int, depth: Int, activation: ActivationKind, batchNorm: Bool, residual: Bool) -> Sequential {
        Sequential((0..<depth).map { _ in
            ResidualBlock(width, width, activation: activation, batchNorm: batchNorm, residual: residual)
        })
    }

    /// The trunk's output channel-major, `[width, N, L]`, for an input `[N, inputs, L]`; nil
    /// when it cannot run that way (batch norm in a block, or a forward hook below `owner`).
    /// Two cheap transposes of the narrow ends replace five full-width ones per convolution.
    static func channelMajorOutput(_ x: Tensor, convIn: Conv1d, blocks: Sequential, owner: Module) -> Tensor? {
        guard !owner.hasForwardHooksBelow else { return nil }
        var residualBlocks: [ResidualBlock] = []
        for layer in blocks.layers {
            guard let block = layer as? ResidualBlock, block.runsChannelMajor else { return nil }
            residualBlocks.append(block)
        }
        var h = convIn.forwardChannelMajor(x.permuted([1, 0, 2]))
        for block in residualBlocks { h = block.forwardChannelMajor(h) }
        return h
    }
}
