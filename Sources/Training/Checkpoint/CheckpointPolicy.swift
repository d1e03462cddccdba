import Foundation

/// When and where the trainer writes checkpoints.
public struct CheckpointPolicy: Sendable {
    /// The directory checkpoints go into.
    public var store: CheckpointStore
    /// Write after every this many optimizer steps (nil: not by steps).
    public var everySteps: Int?
    /// Write at the end of every this many epochs (nil: not by epochs).
    public var everyEpochs: Int?
    /// Keep the newest this many.
    public var keep: Int
    /// What a failed write does (`--on-checkpoint-error`).
    public var onError = CheckpointErrorPolicy.stop

    /// Checkpoints in `directory` every `everySteps` steps and/or `everyEpochs` epochs, keeping the newest `keep`.
    public init(directory: String, everySteps: Int?, everyEpochs: Int?, keep: Int) {
        store = CheckpointStore(root: URL(fileURLWithPath: directory))
        self.everySteps = everySteps
        self.everyEpochs = everyEpochs
        self.keep = keep
    }

    /// Parses `--checkpoint-every`: "N" (steps), "Nepochs"/"Nepoch"/"Ne" (epochs).
    public static func parseInterval(_ text: String) throws -> (steps: Int?, epochs: Int?) {
        let lower = text.lowercased()
        for suffix in ["epochs", "epoch", "e"] where lower.hasSuffix(suffix) {
            if let n = Int(lower.dropLast(suffix.count)), n >= 1 { return (nil, n) }
        }
        for suffix in ["steps", "step", ""] where lower.hasSuffix(suffix) {
            if let n = Int(lower.dropLast(suffix.count)), n >= 1 { return (n, nil) }
        }
        throw ConfigError("--checkpoint-every '\(text)' is not a positive count; write e.g. 100 (steps) or 2epochs")
    }
}
