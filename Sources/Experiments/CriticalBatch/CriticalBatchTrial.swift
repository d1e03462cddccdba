import Foundation
import Training

/// One training run of a `critical-batch` study: an architecture at a batch, a learning rate
/// and a seed, in the tuning or the evaluation phase.
public struct CriticalBatchTrial: Sendable {
    /// Which stage asked for it.
    public enum Phase: String, Codable, Sendable {
        /// Learning-rate search (on the tuning seed).
        case tune
        /// Steps at the tuned learning rate or a neighbour (on the evaluation seeds).
        case evaluate
    }

    /// The architecture's name.
    public var architecture: String
    /// The global batch size.
    public var batch: Int
    /// The learning rate, before any `lrScaling`.
    public var learningRate: Double
    /// The seed of initialization and data order.
    public var seed: UInt64
    /// Which stage asked for it.
    public var phase: Phase
    /// Ranks it runs on.
    public var ranks: Int
    /// Its full configuration (run directory unset: the study gives each trial its own).
    public var config: TrainingConfig
    /// The step cap of the study, before any early-stop budget lowered `config.maxSteps`.
    public var studyCap: Int

    /// The directory of this trial under the study directory.
    public var relativePath: String {
        "trials/\(architecture)/b\(batch)/\(phase.rawValue)-lr\(Self.text(learningRate))-seed\(seed)"
    }

    /// A learning rate as a short, exact-enough name (`0.0316`, `1e-05`).
    static func text(_ lr: Double) -> String { String(format: "%.4g", lr) }

    /// How the run ended, from its summary: only a crossing of the first target counts as
    /// reaching it. A run that hit a cap lowered to the search's budget was stopped early; one
    /// that hit the study's cap (or ran out of epochs) is censored.
    public func outcome(from summary: RunSummary) -> TrialOutcome {
        if let step = summary.targets.first?.step { return .reached(steps: step) }
        switch summary.ended {
        case .diverged: return .diverged(steps: max(summary.steps, 1))
        case .maxSteps where (config.maxSteps ?? .max) < studyCap: return .stoppedEarly(steps: summary.steps)
        default: return .censored(steps: summary.steps)
        }
    }
}
