/// Writes checkpoints on the configured schedule, and ends the run cleanly (after a
/// checkpoint) when a pre-emption signal arrives.
///
/// At an epoch's end, both wait for the epoch's validation and record, so that a resumed run
/// never misses an epoch record.
public final class Checkpointing: TrainingCallback {
    /// When and where to write; nil: no checkpoints, but signals still stop the run cleanly.
    public let policy: CheckpointPolicy?
    /// A signal agreed during an epoch's last step, acted on after the epoch.
    private var pendingSignal: Int32?

    /// A callback writing on `policy`'s schedule.
    public init(policy: CheckpointPolicy?) {
        self.policy = policy
    }

    /// Checkpoints on the step schedule, and stops after one when a pre-emption signal was agreed.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        guard !outcome.endsEpoch else {
            pendingSignal = outcome.preemptionSignal
            return .proceed
        }
        if let policy, policy.everySteps.map({ outcome.step % $0 == 0 }) ?? false {
            try trainer.writeCheckpoint(policy, epoch: outcome.epoch, stepInEpoch: outcome.stepInEpoch)
        }
        if let signal = outcome.preemptionSignal {
            try stop(trainer, signal: signal, epoch: outcome.epoch, stepInEpoch: outcome.stepInEpoch)
        }
        return .proceed
    }

    /// Checkpoints on the epoch schedule, and acts on a signal agreed during the epoch's last step.
    public func epochDidFinish(_ outcome: EpochOutcome, trainer: Trainer) throws -> TrainingDecision {
        if let policy,
           (policy.everySteps.map { outcome.step % $0 == 0 } ?? false)
            || (policy.everyEpochs.map { (outcome.epoch + 1) % $0 == 0 } ?? false) || outcome.isLast {
            try trainer.writeCheckpoint(policy, epoch: outcome.epoch + 1, stepInEpoch: 0)
        }
        if let signal = pendingSignal, !outcome.isLast {
            try stop(trainer, signal: signal, epoch: outcome.epoch + 1, stepInEpoch: 0)
        }
        pendingSignal = nil
        return .proceed
    }

    /// Checkpoints (when configured) and ends the run with `Preempted`, which the executable
    /// turns into its pre-emption exit.
    private func stop(_ trainer: Trainer, signal: Int32, epoch: Int, stepInEpoch: Int) throws -> Never {
        let written = try policy.flatMap { try trainer.writeCheckpoint($0, epoch: epoch, stepInEpoch: stepInEpoch) }
        trainer.endForPreemption()
        throw Preempted(step: trainer.step, signal: PreemptionSignal.name(signal), checkpoint: written)
    }
}
