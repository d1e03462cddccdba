import Collectives

/// Feeds the collective watchdog (`--collective-timeout`) from the trainer's step boundaries:
/// the step in progress (the heartbeat its peers compare) and the newest checkpoint, which the
/// timeout message names for the resume.
///
/// Add it after ``Checkpointing``, so the checkpoint written at a step is known before the
/// next step begins. The cost is two uncontended locks per step.
public final class CollectiveWatchFeed: TrainingCallback {
    /// The watch this rank's watchdog reads.
    public let watch: CollectiveWatch

    /// Starts the heartbeat at the trainer's next step (after a restore, the resumed one).
    public init(watch: CollectiveWatch, trainer: Trainer) {
        self.watch = watch
        watch.setStep(trainer.step + 1)
        watch.setCheckpoint(trainer.lastCheckpoint)
    }

    /// Tells the watch the step just finished, and the newest checkpoint.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        beat(trainer)
        return .proceed
    }

    /// Tells the watch the newest checkpoint after an epoch's end.
    public func epochDidFinish(_ outcome: EpochOutcome, trainer: Trainer) throws -> TrainingDecision {
        beat(trainer)
        return .proceed
    }

    private func beat(_ trainer: Trainer) {
        watch.setCheckpoint(trainer.lastCheckpoint)
        watch.setStep(trainer.step + 1)
    }
}
