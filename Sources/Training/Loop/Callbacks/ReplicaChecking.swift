/// `--check-replicas-every K`: compares parameter checksums across ranks every K steps, and
/// ends the job naming the ranks and tensors that differ. Collective on its steps.
public final class ReplicaChecking: TrainingCallback {
    /// Steps between checks (at least 1).
    public let interval: Int

    public init(interval: Int) {
        self.interval = max(interval, 1)
    }

    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        if outcome.step % interval == 0 {
            try ReplicaCheck.verify(model: trainer.model, communicator: trainer.communicator, step: outcome.step)
        }
        return .proceed
    }
}
