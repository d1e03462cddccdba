import Training

extension MetricsRecord {
    /// A flattened key: coding keys (and layer or module names) joined with `/`, e.g.
    /// `key(MetricsLine.CodingKeys.timing, "forward", MetricsLine.Phase.CodingKeys.meanMs)`.
    public static func key(_ parts: any CodingKey...) -> String {
        parts.map(\.stringValue).joined(separator: "/")
    }

    /// Flattens a decoded metrics.jsonl record: nested objects become `/`-joined keys.
    ///
    /// A nil field the writer always writes (`MetricsLine.keysAlwaysWritten(for:)`, and every
    /// field of a nested object) flattens to `.null`, as its `null` in the file would, so a
    /// column of non-finite values still exists; other nil fields are absent.
    public init(_ line: MetricsLine) {
        typealias K = MetricsLine.CodingKeys
        let always = Set(MetricsLine.keysAlwaysWritten(for: line.type))
        var out: [String: MetricValue] = [K.type.rawValue: .text(line.type.rawValue)]
        func put(_ key: String, _ value: Double?, always: Bool = true) {
            if let value { out[key] = .number(value) } else if always { out[key] = .null }
        }
        func put(_ key: K, _ value: Double?) { put(key.rawValue, value, always: always.contains(key)) }
        func put(_ prefix: String, names: [String: Double?]?) {
            for (name, value) in names ?? [:] { put(prefix + "/" + name, value) }
        }
        put(.step, line.step.map(Double.init))
        put(.epoch, line.epoch.map(Double.init))
        put(.loss, line.loss)
        put(.lr, line.lr)
        put(.samplesPerSecond, line.samplesPerSecond)
        put(K.gradNorms.rawValue, names: line.gradNorms)
        put(.vanishingFactor, line.vanishingFactor)
        if let timing = line.timing {
            typealias P = MetricsLine.Phase.CodingKeys
            for phase in MetricsLine.Timing.CodingKeys.allCases {
                guard let p = timing[phase] else { continue }
                put(Self.key(K.timing, phase, P.meanMs), p.meanMs)
                put(Self.key(K.timing, phase, P.maxMs), p.maxMs)
            }
        }
        if let d = line.diagnostics {
            typealias D = MetricsLine.Diagnostics.CodingKeys
            typealias L = MetricsLine.LayerSpread.CodingKeys
            typealias A = MetricsLine.Activation.CodingKeys
            typealias N = MetricsLine.NoiseScale.CodingKeys
            let base = Self.key(K.diagnostics)
            for (name, s) in d.localGradNorms ?? [:] {
                let head = Self.key(K.diagnostics, D.localGradNorms) + "/" + name + "/"
                put(head + L.mean.rawValue, s.mean)
                put(head + L.spread.rawValue, s.spread)
            }
            put(Self.key(K.diagnostics, D.updateRatios), names: d.updateRatios)
            for (name, a) in d.activations ?? [:] {
                let head = Self.key(K.diagnostics, D.activations) + "/" + name + "/"
                put(head + A.mean.rawValue, a.mean)
                put(head + A.std.rawValue, a.std)
                put(head + A.saturatedFraction.rawValue, a.saturatedFraction)
                put(head + A.deadFraction.rawValue, a.deadFraction)
            }
            if let n = d.noiseScale {
                let head = Self.key(K.diagnostics, D.noiseScale) + "/"
                put(head + N.gradientSquaredNorm.rawValue, n.gradientSquaredNorm)
                put(head + N.traceCovariance.rawValue, n.traceCovariance)
                put(head + N.bSimple.rawValue, n.bSimple)
                put(head + N.bSimpleEma.rawValue, n.bSimpleEma)
                put(head + N.smallBatch.rawValue, n.smallBatch.map(Double.init))
                put(head + N.largeBatch.rawValue, n.largeBatch.map(Double.init))
                put(head + N.perLayerEma.rawValue, names: n.perLayerEma)
            }
            if let note = d.noiseScaleUnavailable {
                out[base + "/" + D.noiseScaleUnavailable.rawValue] = .text(note)
            }
        }
        put(.trainLoss, line.trainLoss)
        put(.valLoss, line.valLoss)
        put(.valAccuracy, line.valAccuracy)
        self.init(type: line.type.rawValue, values: out)
    }
}
