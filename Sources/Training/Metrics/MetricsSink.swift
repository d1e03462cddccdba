/// Receives the records a run produces: metrics.jsonl, TensorBoard, and anything else that
/// wants them. Only rank 0 has sinks.
public protocol MetricsSink: AnyObject {
    func record(_ step: StepRecord)
    func record(_ epoch: EpochRecord)
    /// An evaluation between epoch ends (`--eval-every`, `--eval-schedule`).
    func record(_ evaluation: EvaluationRecord)
    /// Makes everything recorded so far durable (end of run, before a checkpoint).
    func flush()
}

extension MetricsSink {
    /// Sinks that chart only steps and epochs ignore evaluations between epoch ends.
    public func record(_ evaluation: EvaluationRecord) {}
}

/// Per-step diagnostics the trainer consults (implemented by `GradientDiagnostics`). The
/// trainer calls these in order on every rank; all calls but `isActive` happen only on steps
/// where `isActive` returned true, and may run collectives.
public protocol StepDiagnostics: AnyObject {
    /// Whether optimizer step `step` (from 1) is a diagnostics step.
    func isActive(step: Int) -> Bool
    /// Before the step's first forward: arm activation hooks, remember weights.
    func beginStep(step: Int)
    /// After micro-step `index` (0-based) of `count` finished backward; gradients are local
    /// (not yet averaged) and accumulated so far.
    func microStepDidFinish(index: Int, count: Int)
    /// After gradients are averaged. `localSquaredNorms` holds each parameter's squared local
    /// gradient norm before averaging, in `model.parameters` order.
    func afterSynchronization(localSquaredNorms: [Double])
    /// After the optimizer step: the finished record for metrics.
    func finishStep(step: Int) -> DiagnosticsRecord
    /// Lines for the end-of-run summary (saturation, dead units, noise scale, verdict).
    func summaryLines() -> [String]
    /// Running averages a checkpoint keeps, so that a resumed run continues them.
    var noiseScaleState: NoiseScaleState? { get set }
}
