import DataFormats
import Foundation

/// Everything besides tensors that a checkpoint records: where training stood, and what it
/// needs to continue exactly (state.json inside a checkpoint directory).
public struct CheckpointState: Codable, Equatable, Sendable {
    /// Bumped when the layout changes incompatibly.
    public var formatVersion = 1
    /// Optimizer steps completed.
    public var step: Int
    /// The epoch in progress (0-based) and the optimizer steps already taken in it. The sampler
    /// is a pure function of (seed, epoch), so these two fix the data position exactly.
    public var epoch: Int
    /// Optimizer steps already taken in `epoch` (0 at an epoch boundary).
    public var stepInEpoch: Int
    /// The world size and effective batch the checkpoint was written at.
    public var worldSize: Int
    /// The effective batch it was written at, to re-map the data position at another.
    public var effectiveBatch: Int
    /// Steps dropped by `--on-nonfinite skip` so far.
    public var skippedSteps: Int
    /// Running sums the end-of-epoch record and the summary need.
    public var epochLossSum: Double
    /// The run's first loss, for the end-of-run summary.
    public var firstLoss: Double?
    /// The weight layers' gradient norms at step 1, for the summary's vanishing factor.
    public var firstNorms: [Double]?
    /// The configuration of the run that wrote it.
    public var config: TrainingConfig
    /// The run directory of that run, so a resume continues its metrics.
    public var runDirectory: String?
    /// A checksum (FNV-1a 64, hex) per tensor file, verified on load.
    public var checksums: [String: String]
    /// ISO 8601 time of writing.
    public var createdAt: String
    /// The diagnostics' noise-scale averages, when diagnostics ran (absent in older checkpoints).
    public var noiseScale: NoiseScaleState? = nil

    /// A state from its parts (format version 1).
    public init(step: Int, epoch: Int, stepInEpoch: Int, worldSize: Int, effectiveBatch: Int, skippedSteps: Int,
                epochLossSum: Double, firstLoss: Double?, firstNorms: [Double]?, config: TrainingConfig,
                runDirectory: String?, checksums: [String: String], createdAt: String, noiseScale: NoiseScaleState? = nil) {
        self.step = step
        self.epoch = epoch
        self.stepInEpoch = stepInEpoch
        self.worldSize = worldSize
        self.effectiveBatch = effectiveBatch
        self.skippedSteps = skippedSteps
        self.epochLossSum = epochLossSum
        self.firstLoss = firstLoss
        self.firstNorms = firstNorms
        self.config = config
        self.runDirectory = runDirectory
        self.checksums = checksums
        self.createdAt = createdAt
        self.noiseScale = noiseScale
    }
}

extension CheckpointState {
    /// The largest count a checkpoint may hold: 2^53, the largest integer every JSON reader
    /// keeps exactly. No run gets near it; a larger value is corruption.
    static let largestCount = 1 << 53

    /// Decodes state.json; a malformed one is a one-line ConfigError naming `file` and the field.
    static func decode(_ data: Data, file: String) throws -> CheckpointState {
        do {
            return try JSONDecoder().decode(CheckpointState.self, from: data)
        } catch {
            throw ConfigError("\(file): not a valid checkpoint state (\(problem(error))); the file is corrupt")
        }
    }

    /// Checks the counts a resume computes the data position from: each a whole number in
    /// 0…2^53 (the world size and effective batch at least 1), so that the position in samples
    /// (stepInEpoch × effectiveBatch) and the next epoch can be computed. Bit flips and hand
    /// edits otherwise trapped in `Trainer.restore` (an overflow) or later in the run (a
    /// negative epoch or step): seeds of scripts/fuzz.sh checkpoint's corpus.
    func validate(file: String) throws {
        var counts: [(String, Int, Int)] = [("step", step, 0), ("epoch", epoch, 0), ("stepInEpoch", stepInEpoch, 0),
                                            ("skippedSteps", skippedSteps, 0), ("worldSize", worldSize, 1),
                                            ("effectiveBatch", effectiveBatch, 1)]
        if let noiseScale {
            counts.append(("noiseScale.overall.updates", noiseScale.overall.updates, 0))
            for (i, layer) in noiseScale.layers.enumerated() { counts.append(("noiseScale.layers.\(i).updates", layer.updates, 0)) }
        }
        for (name, value, least) in counts where !(least...Self.largestCount).contains(value) {
            throw ConfigError("\(file): \(name) is \(value), outside \(least)…2^53; the file is corrupt")
        }
        guard !stepInEpoch.multipliedReportingOverflow(by: effectiveBatch).overflow else {
            throw ConfigError("\(file): stepInEpoch \(stepInEpoch) × effectiveBatch \(effectiveBatch), the position in the "
                              + "epoch in samples, is too large to compute; the file is corrupt")
        }
    }

    /// What is wrong with the JSON, in one line: the field and the type it needs, or the
    /// decoder's reason with control characters escaped and its length bounded (keys of
    /// `checksums` and choice values come from the file).
    private static func problem(_ error: Error) -> String {
        func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".").quotedForMessage
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: "a string"
            case is Bool.Type: "true or false"
            case is Int.Type: "an integer"
            case is Double.Type, is Float.Type: "a number"
            default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
            }
        }
        switch error as? DecodingError {
        case let .typeMismatch(_, context)? where context.codingPath.isEmpty:
            return "expected a JSON object like the state.json ddp-train writes"
        case let .typeMismatch(type, context)?:
            return "field \(path(context)) must be \(kind(type))"
        case let .valueNotFound(_, context)?:
            return "field \(path(context)) must not be null"
        case let .keyNotFound(key, context)?:
            return "field \(path(context, key)) is missing"
        case let .dataCorrupted(context)? where !context.codingPath.isEmpty:
            return "field \(path(context)): \(context.debugDescription.oneLineForMessage(limit: 200))"
        case let .dataCorrupted(context)?:
            return "not valid JSON" + (context.underlyingError.map { ": " + TrainingConfig.reason($0).oneLineForMessage(limit: 200) } ?? "")
        default:
            return TrainingConfig.reason(error).oneLineForMessage(limit: 200)
        }
    }
}
