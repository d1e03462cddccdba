import Foundation

/// Evaluates on a schedule between epoch ends, records the first step at which each
/// `--target` holds, and stops the run once every target has held.
///
/// Every rank makes the same decision without an extra collective: the evaluation is reduced
/// across ranks and the training loss is the agreed global-batch loss.
public final class TargetTracker: TrainingCallback {
    /// When one target first held; `step` stays nil for a target never reached (censored).
    public struct Crossing: Codable, Sendable, Equatable {
        /// The target's metric, as written (`val_accuracy`, `val_loss`, `train_loss`).
        public var metric: String
        /// The comparison, `>=` or `<=`.
        public var op: String
        /// The threshold the metric is compared with.
        public var value: Double
        /// The first evaluated step at which the target held.
        public var step: Int?
        /// Samples trained on by then (all ranks together).
        public var samples: Int?
        /// Training seconds by then, evaluation time excluded.
        public var seconds: Double?
        /// The smoothed gradient noise scale B_simple then (with `--diagnostics-every`).
        public var bSimple: Double?
        /// Each weight layer's gradient norm at the newest logged step by then.
        public var gradientNorms: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case metric, op, value, step, samples, seconds
            case bSimple = "b_simple"
            case gradientNorms = "gradient_norms"
        }

        // Written by hand so that an unreached target keeps `"step": null` in summary.json
        // (synthesized encoding would drop the key, and a reader could take it for a zero).
        /// Writes every field, with `"step": null` kept for a target never reached.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(metric, forKey: .metric)
            try c.encode(op, forKey: .op)
            try c.encode(value, forKey: .value)
            try c.encode(step, forKey: .step)
            try c.encode(samples, forKey: .samples)
            try c.encode(seconds, forKey: .seconds)
            try c.encodeIfPresent(bSimple, forKey: .bSimple)
            try c.encodeIfPresent(gradientNorms, forKey: .gradientNorms)
        }
    }

    /// The goals tracked, in the order given.
    public let targets: [TrainingTarget]
    /// When to evaluate between epoch ends; nil: at epoch ends (and the last step) only.
    public let schedule: EvaluationSchedule?
    /// One per target, in order.
    public private(set) var crossings: [Crossing]
    /// Seconds spent evaluating (every rank's share, the slowest not singled out).
    public private(set) var evaluationSeconds = 0.0
    /// Evaluations made.
    public private(set) var evaluations = 0
    /// The newest evaluation and the training-loss average that went with it.
    public private(set) var lastEvaluation: Evaluation?
    /// The mean global-batch training loss over the steps before `lastEvaluation`.
    public private(set) var lastTrainLoss: Double?
    private var nextEvaluation: Int
    private var lossSum = 0.0
    private var lossCount = 0
    private let metrics: MetricsRecording?

    /// - Parameters:
    ///   - startStep: the step the run starts from (non-zero after a resume).
    ///   - metrics: where scheduled evaluations are recorded (rank 0).
    public init(targets: [TrainingTarget], schedule: EvaluationSchedule?, startStep: Int = 0, metrics: MetricsRecording? = nil) {
        self.targets = targets
        self.schedule = schedule
        self.metrics = metrics
        crossings = targets.map { Crossing(metric: $0.metric.rawValue, op: $0.comparison.rawValue, value: $0.value) }
        nextEvaluation = schedule?.next(after: startStep) ?? .max
    }

    /// Whether every target has held (false without targets).
    public var allReached: Bool { !targets.isEmpty && crossings.allSatisfy { $0.step != nil } }

    /// Evaluates when the schedule (or the last step) says so and stops the run once every target holds.
    ///
    /// The evaluation is collective: every rank must call this at the same steps.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        if !outcome.skipped {
            lossSum += outcome.loss
            lossCount += 1
        }
        // Epoch ends evaluate anyway (epochDidFinish); the last step always does, so the final
        // metrics and any crossing there are known.
        let last = outcome.step >= trainer.plan.optimizerSteps
        guard !outcome.endsEpoch, outcome.step >= nextEvaluation || last else { return .proceed }
        let decision = try check(trainer)
        let record = EvaluationRecord(step: trainer.step, trainLoss: lastTrainLoss, validationLoss: lastEvaluation?.loss,
                                      validationAccuracy: lastEvaluation?.accuracy)
        metrics?.sinks.forEach { $0.record(record) }
        return decision
    }

    /// Evaluates at the epoch's end and stops the run once every target holds (collective).
    public func epochDidFinish(_ outcome: EpochOutcome, trainer: Trainer) throws -> TrainingDecision {
        try check(trainer)
    }

    /// Evaluates (or reuses this step's evaluation) and records the targets that now hold.
    private func check(_ trainer: Trainer) throws -> TrainingDecision {
        let start = Date()
        let evaluation = try trainer.evaluation()
        evaluationSeconds += Date().timeIntervalSince(start)
        evaluations += 1
        lastEvaluation = evaluation
        if lossCount > 0 { lastTrainLoss = lossSum / Double(lossCount) }
        lossSum = 0
        lossCount = 0
        nextEvaluation = schedule?.next(after: trainer.step) ?? .max
        for (i, target) in targets.enumerated() where crossings[i].step == nil {
            let measured: Double?
            switch target.metric {
            case .validationAccuracy: measured = evaluation?.accuracy
            case .validationLoss: measured = evaluation?.loss
            case .trainLoss: measured = lastTrainLoss
            }
            guard let measured, target.holds(for: measured) else { continue }
            crossings[i].step = trainer.step
            crossings[i].samples = trainer.step * trainer.plan.effectiveBatch
            crossings[i].seconds = trainer.trainingSeconds
            crossings[i].bSimple = trainer.diagnostics?.noiseScaleState?.overall.value
            if !trainer.lastNorms.isEmpty {
                crossings[i].gradientNorms = Dictionary(uniqueKeysWithValues: zip(trainer.weightLayers.map(\.name), trainer.lastNorms))
            }
        }
        return allReached ? .stop(.targetsReached) : .proceed
    }
}
