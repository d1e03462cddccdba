import Training
/// The series the report draws, pulled out of a run's records.
extension RunHistory {
    /// The weight layers with gradient norms, in model order.
    public var layers: [String] {
        var names = Set<String>()
        for s in steps { names.formUnion(s.names(under: "grad_norms")) }
        return MetricsColumnOrder(layers: parameterOrder).sorted(names)
    }

    /// (step, value) for a numeric key of the step records, skipping records without it.
    public func stepSeries(_ key: String) -> [(step: Double, value: Double)] {
        steps.compactMap { r in
            guard let s = r.step, let v = r[key] else { return nil }
            return (Double(s), v)
        }
    }

    /// (step, value) for a numeric key of the epoch records.
    public func epochSeries(_ key: String) -> [(step: Double, value: Double)] {
        epochs.compactMap { r in
            guard let s = r.step, let v = r[key] else { return nil }
            return (Double(s), v)
        }
    }

    /// The step records that carry diagnostics.
    public var diagnosticSteps: [MetricsRecord] {
        steps.filter { r in r.values.keys.contains { $0.hasPrefix("diagnostics/") } }
    }

    /// The activation layers of the last diagnostic step, in name order, with their
    /// saturated and dead fractions (nil where the layer has none).
    public var lastActivations: [(name: String, saturated: Double?, dead: Double?)] {
        guard let last = diagnosticSteps.last else { return [] }
        let names = Set(last.names(under: "diagnostics/activations", suffix: "/mean"))
        return MetricsColumnOrder().sorted(names).map { name in
            let base = "diagnostics/activations/\(name)/"
            return (name, last[base + "saturated_fraction"], last[base + "dead_fraction"])
        }
    }

    /// The smoothed noise scale at the last diagnostic step that had one.
    public var lastNoiseScale: Double? {
        diagnosticSteps.reversed().lazy.compactMap { $0["diagnostics/noise_scale/b_simple_ema"] }.first
    }

    /// Why the noise scale is missing, if the run said so.
    public var noiseScaleNote: String? {
        for r in steps {
            if case .text(let note)? = r.values["diagnostics/noise_scale_unavailable"] { return note }
        }
        return nil
    }

    /// Mean milliseconds per step of each phase: (mean over ranks, slowest rank), averaged
    /// over the logged steps.
    public var phaseMilliseconds: [(phase: String, mean: Double?, max: Double?)] {
        ["forward", "backward", "gradient_sync", "optimizer"].map { phase in
            func average(_ key: String) -> Double? {
                let v = steps.compactMap { $0[key] }
                return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
            }
            return (phase, average("timing/\(phase)/mean_ms"), average("timing/\(phase)/max_ms"))
        }
    }
}
