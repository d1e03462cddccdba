/// Writes records to metrics.jsonl in the run directory (schema: docs/METRICS.md).
///
/// Lines are built with `JSONLine` (fast), under the key names of `MetricsLine`, the
/// `Codable` type readers decode them with.
public final class MetricsLog: MetricsSink {
    /// The run directory whose metrics.jsonl this appends to.
    public let directory: RunDirectory

    /// A log appending to `directory`'s metrics.jsonl.
    public init(directory: RunDirectory) {
        self.directory = directory
    }

    private typealias Key = MetricsLine.CodingKeys

    /// Appends a `"type": "step"` line.
    public func record(_ r: StepRecord) {
        var line = JSONLine()
        line.add(Key.type.rawValue, MetricsLine.RecordType.step.rawValue)
        line.add(Key.step.rawValue, r.step)
        line.add(Key.epoch.rawValue, r.epoch)
        line.add(Key.loss.rawValue, r.loss)
        line.add(Key.lr.rawValue, r.learningRate)
        line.add(Key.samplesPerSecond.rawValue, r.samplesPerSecond)
        line.add(Key.gradNorms.rawValue, r.gradientNorms.map { ($0.name, Optional($0.norm)) })
        line.add(Key.vanishingFactor.rawValue, r.vanishingFactor)
        line.add(Key.timing.rawValue, object: r.phases.json())
        if let d = r.diagnostics { line.add(Key.diagnostics.rawValue, object: MetricsLog.json(d)) }
        directory.appendMetrics(line.string)
    }

    /// Appends a `"type": "epoch"` line.
    public func record(_ r: EpochRecord) {
        var line = JSONLine()
        line.add(Key.type.rawValue, MetricsLine.RecordType.epoch.rawValue)
        line.add(Key.epoch.rawValue, r.epoch)
        line.add(Key.step.rawValue, r.step)
        line.add(Key.trainLoss.rawValue, r.trainLoss)
        if let v = r.validationLoss { line.add(Key.valLoss.rawValue, v) }
        if let a = r.validationAccuracy { line.add(Key.valAccuracy.rawValue, a) }
        directory.appendMetrics(line.string)
    }

    /// Appends a `"type": "eval"` line.
    public func record(_ r: EvaluationRecord) {
        var line = JSONLine()
        line.add(Key.type.rawValue, MetricsLine.RecordType.eval.rawValue)
        line.add(Key.step.rawValue, r.step)
        if let t = r.trainLoss { line.add(Key.trainLoss.rawValue, t) }
        if let v = r.validationLoss { line.add(Key.valLoss.rawValue, v) }
        if let a = r.validationAccuracy { line.add(Key.valAccuracy.rawValue, a) }
        directory.appendMetrics(line.string)
    }

    /// Writes buffered lines to metrics.jsonl.
    public func flush() { directory.flush() }

    static func json(_ d: DiagnosticsRecord) -> JSONLine {
        typealias D = MetricsLine.Diagnostics.CodingKeys
        typealias L = MetricsLine.LayerSpread.CodingKeys
        typealias A = MetricsLine.Activation.CodingKeys
        typealias N = MetricsLine.NoiseScale.CodingKeys
        var o = JSONLine()
        var local = JSONLine()
        for l in d.localGradientNorms { local.add(l.name, [(L.mean.rawValue, l.mean), (L.spread.rawValue, l.spread)]) }
        o.add(D.localGradNorms.rawValue, object: local)
        o.add(D.updateRatios.rawValue, d.updateRatios.map { ($0.name, Optional($0.ratio)) })
        var acts = JSONLine()
        for a in d.activations {
            acts.add(a.name, [(A.mean.rawValue, a.mean), (A.std.rawValue, a.std),
                              (A.saturatedFraction.rawValue, a.saturatedFraction),
                              (A.deadFraction.rawValue, a.deadFraction)])
        }
        o.add(D.activations.rawValue, object: acts)
        if let n = d.noiseScale {
            var ns = JSONLine()
            ns.add(N.gradientSquaredNorm.rawValue, n.gradientSquaredNorm)
            ns.add(N.traceCovariance.rawValue, n.traceCovariance)
            ns.add(N.bSimple.rawValue, n.simple)
            ns.add(N.bSimpleEma.rawValue, n.smoothed)
            ns.add(N.smallBatch.rawValue, n.smallBatch)
            ns.add(N.largeBatch.rawValue, n.largeBatch)
            ns.add(N.perLayerEma.rawValue, n.perLayer.map { ($0.name, $0.value) })
            o.add(D.noiseScale.rawValue, object: ns)
        } else if let note = d.noiseScaleNote {
            o.add(D.noiseScaleUnavailable.rawValue, note)
        }
        return o
    }
}
