/// `--check-replicas-every K`: compares parameter checksums across ranks every K steps, and
/// ends the job naming the ranks and tensors that differ. Collective on its steps.
public final class ReplicaChecking: TrainingCallback {
    /// Steps between checks (at least 1).
    public let interval: Int

    /// Checks every `interval` steps (values below 1 mean every step).
    public init(interval: Int) {
        self.interval = max(interval, 1)
    }

    /// Compares checksums across ranks on checking steps (collective) and throws `ReplicaCheck.Divergence` on a mismatch.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        if outcome.step % interval == 0 {
            try ReplicaCheck.verify(model: trainer.model, communicator: trainer.communicator, step: outcome.step)
        }
        return .proceed
    }
}
