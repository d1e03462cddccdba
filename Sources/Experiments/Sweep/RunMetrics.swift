import Foundation
import Training

/// The numbers a sweep keeps from one finished run, read from its run directory's
/// `config.json` (the `resolved` section) and `metrics.jsonl` (docs/METRICS.md), whose lines
/// it decodes as `MetricsLine`.
public struct RunMetrics: Codable, Equatable, Sendable {
    /// Mean of the timed phases over steps, in milliseconds (the slowest rank's time per phase).
    public struct PhaseMilliseconds: Codable, Equatable, Sendable {
        /// Forward pass and loss, in milliseconds.
        public var forward: Double
        /// Backward pass, in milliseconds.
        public var backward: Double
        /// Waiting for gradient allreduces after backward, in milliseconds.
        public var gradientSync: Double
        /// The optimizer update, in milliseconds.
        public var optimizer: Double
        /// The sum of the four phases, in milliseconds.
        public var total: Double { forward + backward + gradientSync + optimizer }
        /// The share of step time spent waiting for gradient synchronization (the part of the
        /// allreduce that overlap did not hide).
        public var communicationShare: Double? { total > 0 ? gradientSync / total : nil }
    }

    /// Samples per optimizer step: per-rank batch × ranks × accumulation steps.
    public var effectiveBatch: Int
    /// Samples per rank per micro-step.
    public var perRankBatch: Int
    /// The number of ranks the run used.
    public var worldSize: Int
    /// The learning rate after `lrScaling`, and how it was derived.
    public var learningRate: Double
    /// How `learningRate` was derived (e.g. the linear-scaling rule).
    public var learningRateRule: String
    /// The epoch budget.
    public var epochs: Int
    /// The last logged optimizer step, and the steps the run planned (`resolved.optimizerSteps`):
    /// fewer means it stopped early (pre-empted).
    public var steps: Int
    /// The optimizer steps the run planned; nil when config.json does not say.
    public var plannedSteps: Int?
    /// The last epoch's mean training loss.
    public var finalTrainLoss: Double?
    /// The last epoch's validation loss, when the run held data out.
    public var finalValidationLoss: Double?
    /// Each epoch's mean training loss, in order (nil where it was not finite).
    public var epochTrainLosses: [Double?]
    /// First weight layer's gradient norm over the last hidden layer's, at the first and last logged step.
    public var firstVanishingFactor: Double?
    /// The vanishing factor at the last logged step.
    public var lastVanishingFactor: Double?
    /// The last defined smoothed gradient-noise-scale estimate (`diagnostics.noise_scale.b_simple_ema`).
    public var noiseScale: Double?
    /// The step `noiseScale` comes from, and the last step with diagnostics: when they differ,
    /// the estimate was undefined (its |G|² average not positive) at the later diagnostics steps.
    public var noiseScaleStep: Int?
    /// The last step with diagnostics.
    public var lastDiagnosticsStep: Int?
    /// Why there is no noise scale, when diagnostics said so.
    public var noiseScaleNote: String?
    /// Median global samples per second over the steps after the first (which pays for warm-up).
    public var samplesPerSecond: Double?
    /// Mean phase times; nil when no step was timed.
    public var phases: PhaseMilliseconds?

    /// Reads a finished run directory.
    public static func read(runDirectory: URL) throws -> RunMetrics {
        let configURL = runDirectory.appendingPathComponent("config.json")
        guard let configData = FileManager.default.contents(atPath: configURL.path),
              let config = (try? JSONSerialization.jsonObject(with: configData)) as? [String: Any],
              let resolved = config["resolved"] as? [String: Any] else {
            throw SweepError("\(configURL.path): missing or without a 'resolved' section; the run did not start properly")
        }
        let metricsURL = runDirectory.appendingPathComponent("metrics.jsonl")
        guard let metricsData = FileManager.default.contents(atPath: metricsURL.path) else {
            throw SweepError("\(metricsURL.path): missing; the run wrote no metrics")
        }
        // Lines that do not decode (a torn last line, damage) are left out: a sweep summarizes
        // what it can; `ddp-train report` is where a damaged file is reported.
        var steps: [MetricsLine] = []
        var epochs: [MetricsLine] = []
        let decoder = JSONDecoder()
        for line in metricsData.split(separator: UInt8(ascii: "\n")) {
            guard case .record(let record)? = try? MetricsLine.decode(line, using: decoder) else { continue }
            switch record.type {
            case .step: steps.append(record)
            case .epoch: epochs.append(record)
            case .eval: break
            }
        }
        func finite(_ value: Double?) -> Double? {
            guard let value, value.isFinite else { return nil }
            return value
        }
        func finiteNumber(_ value: Any?) -> Double? { finite((value as? NSNumber)?.doubleValue) }
        func int(_ key: String) -> Int { (resolved[key] as? NSNumber)?.intValue ?? 0 }

        var noiseScale: Double?
        var noiseStep: Int?
        var lastDiagnostics: Int?
        var noiseNote: String?
        for step in steps {
            guard let diagnostics = step.diagnostics else { continue }
            lastDiagnostics = step.step
            if let v = finite(diagnostics.noiseScale?.bSimpleEma) {
                noiseScale = v
                noiseStep = step.step
            }
            if let note = diagnostics.noiseScaleUnavailable { noiseNote = note }
        }
        let later = steps.count > 1 ? Array(steps.dropFirst()) : steps
        let rates = later.compactMap { finite($0.samplesPerSecond) }.sorted()
        var phases: PhaseMilliseconds?
        let timed = later.compactMap(\.timing)
        if !timed.isEmpty {
            func mean(_ phase: MetricsLine.Timing.CodingKeys) -> Double {
                let values = timed.compactMap { finite($0[phase]?.maxMs) }
                return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            }
            phases = PhaseMilliseconds(forward: mean(.forward), backward: mean(.backward),
                                       gradientSync: mean(.gradientSync), optimizer: mean(.optimizer))
        }
        return RunMetrics(
            effectiveBatch: int("effectiveBatchSize"), perRankBatch: int("perRankBatchSize"), worldSize: int("worldSize"),
            // config.json holds the Float learning rate widened to Double (0.009999999776…);
            // its shortest Float spelling is what the user wrote and what the trainer printed.
            learningRate: finiteNumber(resolved["learningRate"]).map { Double(Float($0).description) ?? $0 } ?? 0,
            learningRateRule: resolved["learningRateRule"] as? String ?? "",
            epochs: (config["epochs"] as? NSNumber)?.intValue ?? epochs.count,
            steps: steps.last?.step ?? 0,
            plannedSteps: (resolved["optimizerSteps"] as? NSNumber)?.intValue,
            finalTrainLoss: finite(epochs.last?.trainLoss),
            finalValidationLoss: finite(epochs.last?.valLoss),
            epochTrainLosses: epochs.map { finite($0.trainLoss) },
            firstVanishingFactor: finite(steps.first?.vanishingFactor),
            lastVanishingFactor: finite(steps.last?.vanishingFactor),
            noiseScale: noiseScale, noiseScaleStep: noiseStep, lastDiagnosticsStep: lastDiagnostics,
            noiseScaleNote: noiseScale == nil ? noiseNote : nil,
            samplesPerSecond: rates.isEmpty ? nil : rates[rates.count / 2],
            phases: phases)
    }
}
