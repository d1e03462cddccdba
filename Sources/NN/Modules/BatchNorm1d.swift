import Autograd

/// Batch normalization over the channel axis of [N, C] or [N, C, L], as PyTorch's BatchNorm1d:
/// affine weight and bias, running statistics with momentum 0.1, eps 1e-5.
public final class BatchNorm1d: Module {
    /// The per-channel scale γ, shape `[features]`, starting at one (`weight`).
    public let weight: Tensor
    /// The per-channel shift β, shape `[features]`, starting at zero (`bias`).
    public let bias: Tensor
    /// The running mean used in evaluation mode, shape `[features]` (buffer `running_mean`).
    public let runningMean: Tensor
    /// The running unbiased variance used in evaluation mode, shape `[features]` (buffer `running_var`).
    public let runningVar: Tensor
    /// Counts training batches, as PyTorch's `num_batches_tracked` (stored as Float here).
    public let numBatchesTracked: Tensor
    /// The number of channels C normalized.
    public let features: Int
    /// The weight of the current batch in the running statistics' update (PyTorch's `momentum`).
    public let momentum: Float
    /// The constant added to the variance before the square root.
    public let eps: Float
    /// When set, batch statistics are summed across data-parallel replicas (SyncBatchNorm).
    public var statisticsReducer: StatisticsReducer?

    /// A layer over `features` channels with γ = 1, β = 0, running mean 0 and variance 1.
    public init(_ features: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        self.features = features
        self.momentum = momentum
        self.eps = eps
        weight = Tensor.ones([features])
        bias = Tensor.zeros([features])
        runningMean = Tensor.zeros([features])
        runningVar = Tensor.ones([features])
        numBatchesTracked = Tensor.zeros([])
        super.init()
        registerParameter("weight", weight)
        registerParameter("bias", bias)
        registerBuffer("running_mean", runningMean)
        registerBuffer("running_var", runningVar)
        registerBuffer("num_batches_tracked", numBatchesTracked)
    }

    /// Normalizes with batch statistics (and updates the running ones) in training, with the running ones in evaluation.
    public override func forward(_ x: Tensor) -> Tensor {
        if isTraining { numBatchesTracked.pointer[0] += 1 }
        return batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                         training: isTraining, momentum: momentum, eps: eps, reducer: statisticsReducer)
    }

    /// `BatchNorm1d(C)`.
    public override var summary: String { "BatchNorm1d(\(features))" }
}
