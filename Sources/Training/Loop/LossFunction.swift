import Autograd

/// The loss a run minimizes, chosen from the task.
public enum LossFunction: String, Sendable {
    case mse
    case crossEntropy = "cross-entropy"
    case bce

    /// The configured loss, or the task's natural one: MSE for regression, cross-entropy for
    /// classification.
    public init(config: TrainingConfig) {
        if let name = config.loss, let loss = LossFunction(rawValue: name) { self = loss; return }
        self = config.task == "classification" ? .crossEntropy : .mse
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
