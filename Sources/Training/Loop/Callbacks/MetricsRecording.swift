/// Turns step and epoch outcomes into records for the metrics sinks (metrics.jsonl,
/// TensorBoard). Rank 0 has sinks; the other ranks have none, and this costs them nothing.
public final class MetricsRecording: TrainingCallback {
    /// The receivers, in order.
    public private(set) var sinks: [MetricsSink]

    /// A callback feeding `sinks` (none on ranks other than 0).
    public init(sinks: [MetricsSink] = []) {
        self.sinks = sinks
    }

    /// Adds a receiver after the others.
    public func add(_ sink: MetricsSink) {
        sinks.append(sink)
    }

    /// Sends a step record to every sink on logged steps.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        // Steps whose norms were measured are the logged ones (--log-every, first, last, diagnostics).
        guard !sinks.isEmpty, let norms = outcome.gradientNorms else { return .proceed }
        let record = StepRecord(
            step: outcome.step, epoch: outcome.epoch + 1, loss: outcome.loss, learningRate: trainer.optimizer.learningRate,
            samplesPerSecond: Double(trainer.plan.effectiveBatch) / max(outcome.phases.max.reduce(0, +), 1e-12),
            gradientNorms: zip(trainer.weightLayers, norms).map { ($0.0.name, $0.1) },
            vanishingFactor: ModelFactory.vanishingFactor(gradientNorms: norms),
            phases: outcome.phases, diagnostics: outcome.diagnostics)
        for sink in sinks { sink.record(record) }
        return .proceed
    }

    /// Sends the epoch record to every sink.
    public func epochDidFinish(_ outcome: EpochOutcome, trainer: Trainer) throws -> TrainingDecision {
        let record = EpochRecord(epoch: outcome.epoch + 1, step: outcome.step, trainLoss: outcome.trainLoss,
                                 validationLoss: outcome.validation?.loss, validationAccuracy: outcome.validation?.accuracy)
        for sink in sinks { sink.record(record) }
        return .proceed
    }

    /// Flushes every sink.
    public func flush() {
        for sink in sinks { sink.flush() }
    }
}
