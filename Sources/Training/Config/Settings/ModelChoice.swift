/// The network architecture: the `model` field and `--model`.
public enum ModelChoice: String, ConfigChoice {
    /// A multi-layer perceptron of Linear layers.
    case mlp
    /// A 1-D convolutional residual network over sequences.
    case resnet1d
}
