import Foundation

/// One line of metrics.jsonl (docs/METRICS.md): the contract between the writer
/// (`MetricsLog`) and every reader.
///
/// The coding keys are the names in the file; `MetricsLog` writes through `JSONLine` with
/// these same constants, so a key cannot be renamed on one side only. Every field but `type`
/// is optional: one type describes all three record types, and readers also accept files from
/// older versions or written by hand. Names inside objects (layers, modules) are dictionary
/// keys, so a decoded record does not keep the file's (forward) order of them; readers that
/// need model order take it from config.json's `resolved.parameters`.
///
/// Decoding turns `null` (a number that was not finite) and an absent field alike into nil;
/// encoding leaves nil fields out. Use `decode(_:)` to read a line: a record of an unknown
/// type is `.skipped`, not an error.
public struct MetricsLine: Codable, Equatable, Sendable {
    /// The kinds of record metrics.jsonl holds.
    public enum RecordType: String, Codable, CaseIterable, Sendable {
        /// An optimizer step (`StepRecord`).
        case step
        /// The end of an epoch (`EpochRecord`).
        case epoch
        /// A scheduled evaluation between epoch ends (`EvaluationRecord`).
        case eval
    }

    /// The top-level keys, in the order the writer emits them.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        /// `"step"`, `"epoch"` or `"eval"`.
        case type
        /// The optimizer step, from 1.
        case step
        /// The epoch, from 1.
        case epoch
        /// The mean global-batch loss of a step.
        case loss
        /// The learning rate of a step.
        case lr
        /// Global samples per second of a step.
        case samplesPerSecond = "samples_per_second"
        /// Per weight layer, the averaged gradient's L2 norm.
        case gradNorms = "grad_norms"
        /// First weight layer's gradient norm over the last hidden layer's.
        case vanishingFactor = "vanishing_factor"
        /// Per phase, milliseconds.
        case timing
        /// Per-layer diagnostics, on diagnostic steps.
        case diagnostics
        /// Mean training loss (epoch and eval records).
        case trainLoss = "train_loss"
        /// Validation loss (epoch and eval records).
        case valLoss = "val_loss"
        /// Validation accuracy (epoch and eval records; classification only).
        case valAccuracy = "val_accuracy"
    }

    /// The record type.
    public var type: RecordType
    /// The optimizer step (every record type carries one).
    public var step: Int?
    /// The epoch, from 1 (step and epoch records).
    public var epoch: Int?
    /// Step records: mean loss over the global batch; nil for a skipped (non-finite) step.
    public var loss: Double?
    /// Step records: the learning rate the optimizer used.
    public var lr: Double?
    /// Step records: effective batch over the slowest rank's step time.
    public var samplesPerSecond: Double?
    /// Step records: per weight layer, the L2 norm of the averaged gradient (nil where not finite).
    public var gradNorms: [String: Double?]?
    /// Step records: nil with fewer than three weight layers or when not finite.
    public var vanishingFactor: Double?
    /// Step records: per phase, mean and slowest-rank milliseconds.
    public var timing: Timing?
    /// Step records on diagnostic steps only.
    public var diagnostics: Diagnostics?
    /// Epoch records: mean of the epoch's step losses; eval records: since the previous evaluation.
    public var trainLoss: Double?
    /// Epoch and eval records with a validation split.
    public var valLoss: Double?
    /// Epoch and eval records of classification runs with a validation split.
    public var valAccuracy: Double?

    /// A record of `type` with every field given (nil fields are absent).
    public init(type: RecordType, step: Int? = nil, epoch: Int? = nil, loss: Double? = nil, lr: Double? = nil,
                samplesPerSecond: Double? = nil, gradNorms: [String: Double?]? = nil, vanishingFactor: Double? = nil,
                timing: Timing? = nil, diagnostics: Diagnostics? = nil, trainLoss: Double? = nil,
                valLoss: Double? = nil, valAccuracy: Double? = nil) {
        self.type = type; self.step = step; self.epoch = epoch; self.loss = loss; self.lr = lr
        self.samplesPerSecond = samplesPerSecond; self.gradNorms = gradNorms; self.vanishingFactor = vanishingFactor
        self.timing = timing; self.diagnostics = diagnostics
        self.trainLoss = trainLoss; self.valLoss = valLoss; self.valAccuracy = valAccuracy
    }

    /// Decodes a record. A missing or unknown `type` throws `MetricsLine.UnknownRecordType`
    /// before any other field is looked at; `decode(_:)` turns that into `.skipped`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = (try? c.decodeIfPresent(String.self, forKey: .type)) ?? nil
        guard let name, let type = RecordType(rawValue: name) else { throw UnknownRecordType(type: name ?? "") }
        self.type = type
        step = try c.decodeIfPresent(Int.self, forKey: .step)
        epoch = try c.decodeIfPresent(Int.self, forKey: .epoch)
        loss = try c.decodeIfPresent(Double.self, forKey: .loss)
        lr = try c.decodeIfPresent(Double.self, forKey: .lr)
        samplesPerSecond = try c.decodeIfPresent(Double.self, forKey: .samplesPerSecond)
        gradNorms = try c.decodeIfPresent([String: Double?].self, forKey: .gradNorms)
        vanishingFactor = try c.decodeIfPresent(Double.self, forKey: .vanishingFactor)
        timing = try c.decodeIfPresent(Timing.self, forKey: .timing)
        diagnostics = try c.decodeIfPresent(Diagnostics.self, forKey: .diagnostics)
        trainLoss = try c.decodeIfPresent(Double.self, forKey: .trainLoss)
        valLoss = try c.decodeIfPresent(Double.self, forKey: .valLoss)
        valAccuracy = try c.decodeIfPresent(Double.self, forKey: .valAccuracy)
    }

    /// The top-level keys the writer puts on every record of `type`, even when the value is
    /// `null` (not finite). Keys not listed are left out when they do not apply.
    public static func keysAlwaysWritten(for type: RecordType) -> [CodingKeys] {
        switch type {
        case .step: [.type, .step, .epoch, .loss, .lr, .samplesPerSecond, .gradNorms, .vanishingFactor, .timing]
        case .epoch: [.type, .epoch, .step, .trainLoss]
        case .eval: [.type, .step]
        }
    }
}
