/// Writes records to metrics.jsonl in the run directory (schema: docs/METRICS.md).
public final class MetricsLog: MetricsSink {
    public let directory: RunDirectory

    public init(directory: RunDirectory) {
        self.directory = directory
    }

    public func record(_ r: StepRecord) {
        var line = JSONLine()
        line.add("type", "step")
        line.add("step", r.step)
        line.add("epoch", r.epoch)
        line.add("loss", r.loss)
        line.add("lr", r.learningRate)
        line.add("samples_per_second", r.samplesPerSecond)
        line.add("grad_norms", r.gradientNorms.map { ($0.name, Optional($0.norm)) })
        line.add("vanishing_factor", r.vanishingFactor)
        line.add("timing", object: r.phases.json())
        if let d = r.diagnostics { line.add("diagnostics", object: MetricsLog.json(d)) }
        directory.appendMetrics(line.string)
    }

    public func record(_ r: EpochRecord) {
        var line = JSONLine()
        line.add("type", "epoch")
        line.add("epoch", r.epoch)
        line.add("step", r.step)
        line.add("train_loss", r.trainLoss)
        if let v = r.validationLoss { line.add("val_loss", v) }
        if let a = r.validationAccuracy { line.add("val_accuracy", a) }
        directory.appendMetrics(line.string)
    }

    public func record(_ r: EvaluationRecord) {
        var line = JSONLine()
        line.add("type", "eval")
        line.add("step", r.step)
        if let t = r.trainLoss { line.add("train_loss", t) }
        if let v = r.validationLoss { line.add("val_loss", v) }
        if let a = r.validationAccuracy { line.add("val_accuracy", a) }
        directory.appendMetrics(line.string)
    }

    public func flush() { directory.flush() }

    static func json(_ d: DiagnosticsRecord) -> JSONLine {
        var o = JSONLine()
        var local = JSONLine()
        for l in d.localGradientNorms { local.add(l.name, [("mean", l.mean), ("spread", l.spread)]) }
        o.add("local_grad_norms", object: local)
        o.add("update_ratios", d.updateRatios.map { ($0.name, Optional($0.ratio)) })
        var acts = JSONLine()
        for a in d.activations {
            acts.add(a.name, [("mean", a.mean), ("std", a.std), ("saturated_fraction", a.saturatedFraction),
                              ("dead_fraction", a.deadFraction)])
        }
        o.add("activations", object: acts)
        if let n = d.noiseScale {
            var ns = JSONLine()
            ns.add("gradient_squared_norm", n.gradientSquaredNorm)
            ns.add("trace_covariance", n.traceCovariance)
            ns.add("b_simple", n.simple)
            ns.add("b_simple_ema", n.smoothed)
            ns.add("small_batch", n.smallBatch)
            ns.add("large_batch", n.largeBatch)
            ns.add("per_layer_ema", n.perLayer.map { ($0.name, $0.value) })
            o.add("noise_scale", object: ns)
        } else if let note = d.noiseScaleNote {
            o.add("noise_scale_unavailable", note)
        }
        return o
    }
}
