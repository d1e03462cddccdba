/// A piece that observes or decides at the step and epoch boundaries of a run: metrics sinks,
/// progress, checkpoints and pre-emption, replica checks, evaluation and targets.
///
/// The trainer calls every callback on every rank, in the order they were added, after each
/// optimizer step and after each epoch. Callbacks see only what every rank agreed on (the
/// outcome carries values reduced across ranks), so they take the same decision everywhere;
/// one that runs a collective must do so on every rank. Adding one never touches the step.
public protocol TrainingCallback: AnyObject {
    /// After optimizer step `outcome.step`. Return `.stop` to end the run after this step.
    func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision
    /// After an epoch's last step, its validation, and its record.
    func epochDidFinish(_ outcome: EpochOutcome, trainer: Trainer) throws -> TrainingDecision
    /// Makes what the callback holds durable (before a checkpoint, at the end of the run).
    func flush()
    /// Once, when the run ends for any reason other than an error.
    func runDidFinish(trainer: Trainer)
}

extension TrainingCallback {
    /// Does nothing and lets the run go on.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision { .proceed }
    /// Does nothing and lets the run go on.
    public func epochDidFinish(_ outcome: EpochOutcome, trainer: Trainer) throws -> TrainingDecision { .proceed }
    /// Does nothing.
    public func flush() {}
    /// Does nothing.
    public func runDidFinish(trainer: Trainer) {}
}

/// What a callback wants after a step or an epoch.
public enum TrainingDecision: Sendable, Equatable {
    /// Go on training.
    case proceed
    /// End the run here, for this reason.
    case stop(RunEnd)
}

/// How a run ended, as `summary.json` records it.
public enum RunEnd: String, Codable, Sendable, CaseIterable {
    /// The epoch budget ran out.
    case finished
    /// Every `--target` held.
    case targetsReached = "targets-reached"
    /// `--max-steps` ran out before the epoch budget.
    case maxSteps = "max-steps"
    /// A non-finite loss or gradient stopped the run (`--on-nonfinite stop`).
    case diverged
    /// A pre-emption signal stopped the run after a checkpoint.
    case preempted
}
