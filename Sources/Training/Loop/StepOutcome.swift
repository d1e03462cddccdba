/// What one optimizer step produced, as every rank agreed on it.
public struct StepOutcome: Sendable {
    /// The optimizer step just taken, from 1.
    public let step: Int
    /// The epoch it belongs to, from 0.
    public let epoch: Int
    /// Steps of this epoch done, this one included.
    public let stepInEpoch: Int
    /// Whether this was the epoch's last step (its validation and record follow).
    public let endsEpoch: Bool
    /// Mean loss over the whole global batch (NaN for a skipped step).
    public let loss: Double
    /// Whether the step was skipped for non-finite values (`--on-nonfinite skip`).
    public let skipped: Bool
    /// Each weight layer's averaged gradient norm before clipping; nil on steps not logged.
    public let gradientNorms: [Double]?
    /// Mean and slowest-rank time of each phase.
    public let phases: PhaseStatistics
    /// Per-layer diagnostics, on diagnostics steps.
    public let diagnostics: DiagnosticsRecord?
    /// A pre-emption signal some rank received during the step (agreed across ranks).
    public let preemptionSignal: Int32?
}

/// What one epoch produced.
public struct EpochOutcome: Sendable {
    /// The epoch just finished, from 0.
    public let epoch: Int
    /// The optimizer step at its end.
    public let step: Int
    /// Mean of the epoch's step losses.
    public let trainLoss: Double
    /// Validation loss and accuracy (classification), when there is a validation split.
    public let validation: Evaluation?
    /// Whether this was the last epoch of the budget.
    public let isLast: Bool
}

/// One pass over the validation split, reduced across ranks.
public struct Evaluation: Sendable, Equatable {
    /// Mean loss over the validation samples.
    public var loss: Double
    /// Fraction classified correctly (classification only).
    public var accuracy: Double?
}
