import Autograd

/// The loss a run minimizes, chosen from the task. Also the `loss` setting (`--loss`), whose
/// spellings are the raw values.
public enum LossFunction: String, ConfigChoice {
    /// Mean squared error.
    case mse
    /// Softmax cross-entropy over class logits, against class indices.
    case crossEntropy = "cross-entropy"
    /// Binary cross-entropy with logits, against 0/1 targets.
    case bce

    /// The configured loss, or the task's natural one: MSE for regression, cross-entropy for
    /// classification.
    public init(config: TrainingConfig) {
        self = config.loss ?? (config.task == .classification ? .crossEntropy : .mse)
    }

    /// The mean loss of `output` against the batch's targets.
    public func callAsFunction(_ output: Tensor, targets: Tensor, labels: [Int]?) -> Tensor {
        switch self {
        case .mse: mseLoss(output, targets)
        case .crossEntropy: crossEntropyLoss(output, labels: labels ?? targets.scalars.map { Int($0) })
        case .bce: binaryCrossEntropyWithLogits(output, targets)
        }
    }
}
