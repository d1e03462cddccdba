import Autograd

/// Batch normalization over the channel axis of [N, C] or [N, C, L], as PyTorch's BatchNorm1d:
/// affine weight and bias, running statistics with momentum 0.1, eps 1e-5.
public final class BatchNorm1d: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVar: Tensor
    /// Counts training batches, as PyTorch's `num_batches_tracked` (stored as Float here).
    public let numBatchesTracked: Tensor
    public let features: Int
    public let momentum: Float
    public let eps: Float
    /// When set, batch statistics are summed across data-parallel replicas (SyncBatchNorm).
    public var statisticsReducer: StatisticsReducer?

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

    public override func forward(_ x: Tensor) -> Tensor {
        if isTraining { numBatchesTracked.pointer[0] += 1 }
        return batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                         training: isTraining, momentum: momentum, eps: eps, reducer: statisticsReducer)
    }

    public override var summary: String { "BatchNorm1d(\(features))" }
}
