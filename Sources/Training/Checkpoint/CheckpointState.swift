/// Everything besides tensors that a checkpoint records: where training stood, and what it
/// needs to continue exactly (state.json inside a checkpoint directory).
public struct CheckpointState: Codable, Equatable, Sendable {
    /// Bumped when the layout changes incompatibly.
    public var formatVersion = 1
    /// Optimizer steps completed.
    public var step: Int
    /// The epoch in progress (0-based) and the optimizer steps already taken in it. The sampler
    /// is a pure function of (seed, epoch), so these two fix the data position exactly.
    public var epoch: Int
    /// Optimizer steps already taken in `epoch` (0 at an epoch boundary).
    public var stepInEpoch: Int
    /// The world size and effective batch the checkpoint was written at.
    public var worldSize: Int
    /// The effective batch it was written at, to re-map the data position at another.
    public var effectiveBatch: Int
    /// Steps dropped by `--on-nonfinite skip` so far.
    public var skippedSteps: Int
    /// Running sums the end-of-epoch record and the summary need.
    public var epochLossSum: Double
    /// The run's first loss, for the end-of-run summary.
    public var firstLoss: Double?
    /// The weight layers' gradient norms at step 1, for the summary's vanishing factor.
    public var firstNorms: [Double]?
    /// The configuration of the run that wrote it.
    public var config: TrainingConfig
    /// The run directory of that run, so a resume continues its metrics.
    public var runDirectory: String?
    /// A checksum (FNV-1a 64, hex) per tensor file, verified on load.
    public var checksums: [String: String]
    /// ISO 8601 time of writing.
    public var createdAt: String
    /// The diagnostics' noise-scale averages, when diagnostics ran (absent in older checkpoints).
    public var noiseScale: NoiseScaleState? = nil
}
