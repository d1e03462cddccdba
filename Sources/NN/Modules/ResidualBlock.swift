import Autograd

/// The seed's residual block for [N, C, L]: conv(k3) → act → conv(k3), plus a shortcut (a 1×1
/// conv when the channel counts differ, identity otherwise), then act.
///
/// Optional BatchNorm1d after each conv (`bn1`, `bn2`); with `residual: false` the shortcut is
/// dropped, giving the plain deep conv net to compare against.
public final class ResidualBlock: Module {
    /// The first 3-wide convolution, `in` to `out` channels, padding 1.
    public let conv1: Conv1d
    /// Batch norm after `conv1`, when built with `batchNorm: true`.
    public let bn1: BatchNorm1d?
    /// The activation between the two convolutions (named `relu`, as in the seed, whatever its kind).
    public let activation: Activation
    /// The second 3-wide convolution, `out` to `out` channels, padding 1.
    public let conv2: Conv1d
    /// Batch norm after `conv2`, when built with `batchNorm: true`.
    public let bn2: BatchNorm1d?
    /// The skip path: a 1×1 `Conv1d` when the channel counts differ, else `Identity`; nil with `residual: false`.
    public let shortcut: Module?
    /// The activation applied after the sum (`out_act`).
    public let outputActivation: Activation

    /// A block from `inChannels` to `outChannels`, optionally with batch norm and without the shortcut.
    public init(_ inChannels: Int, _ outChannels: Int, activation kind: ActivationKind = .relu,
                batchNorm: Bool = false, residual: Bool = true) {
        // Registration order gives PyTorch's names: conv1, (bn1), relu, conv2, (bn2), shortcut.
        conv1 = Conv1d(inChannels, outChannels, kernelSize: 3, padding: 1)
        bn1 = batchNorm ? BatchNorm1d(outChannels) : nil
        activation = Activation(kind)
        conv2 = Conv1d(outChannels, outChannels, kernelSize: 3, padding: 1)
        bn2 = batchNorm ? BatchNorm1d(outChannels) : nil
        if residual {
            shortcut = inChannels == outChannels ? Identity() : Conv1d(inChannels, outChannels, kernelSize: 1)
        } else {
            shortcut = nil
        }
        outputActivation = Activation(kind)
        super.init()
        registerModule("conv1", conv1)
        if let bn1 { registerModule("bn1", bn1) }
        registerModule("relu", activation)
        registerModule("conv2", conv2)
        if let bn2 { registerModule("bn2", bn2) }
        if let shortcut { registerModule("shortcut", shortcut) }
        registerModule("out_act", outputActivation)
    }

    /// Maps `[N, in, L]` to `[N, out, L]`.
    public override func forward(_ x: Tensor) -> Tensor {
        if runsChannelMajor {
            return forwardChannelMajor(x.permuted([1, 0, 2])).permuted([1, 0, 2])
        }
        var h = conv1(x)
        if let bn1 { h = bn1(h) }
        h = activation(h)
        h = conv2(h)
        if let bn2 { h = bn2(h) }
        if let shortcut { h = h + shortcut(x) }
        return outputActivation(h)
    }

    /// Whether ``forwardChannelMajor(_:)`` computes what `forward` computes: without batch
    /// norm (which normalizes along axis 1 of `[N, C, L]`) and without forward hooks inside
    /// (which would see channel-major tensors, and would not run).
    var runsChannelMajor: Bool {
        bn1 == nil && bn2 == nil && (shortcut == nil || shortcut is Identity || shortcut is Conv1d)
            && !hasForwardHooksBelow
    }

    /// `forward` on channel-major input `[C, N, L]`, giving `[O, N, L]`: the same numbers with
    /// the first two axes swapped, but the convolutions need no transposes in or out (only
    /// valid when ``runsChannelMajor``).
    func forwardChannelMajor(_ x: Tensor) -> Tensor {
        let shortcutValue = shortcut.map { ($0 as? Conv1d)?.forwardChannelMajor(x) ?? x }
        if activation.kind == .relu && outputActivation.kind == .relu {
            // Each activation (and the shortcut's sum) fused into the convolution before it.
            let h = conv1dReLU(channelMajor: x, weight: conv1.weight, bias: conv1.bias, padding: conv1.padding)
            return conv1dReLU(channelMajor: h, weight: conv2.weight, bias: conv2.bias, padding: conv2.padding,
                              residual: shortcutValue)
        }
        var h = activation.kind.apply(conv1.forwardChannelMajor(x))
        h = conv2.forwardChannelMajor(h)
        if let shortcutValue { h = h + shortcutValue }
        return outputActivation.kind.apply(h)
    }
}
