import Foundation

/// How one training trial ended, for the critical-batch measurement.
///
/// Only `.reached` says the run hit the validation target. Every other case is a run that did
/// not, and its `steps` is only a lower bound on the steps it would have needed (possibly
/// infinite): the statistics treat such a run as +∞, never as reaching the target at its last
/// step — that would bias the steps at large learning rates and small batches downward.
///
/// Encoded as `{"status": "reached", "steps": 1200}`; the other statuses are `"censored"`,
/// `"diverged"` and `"stopped"`, each with the step at which the run ended.
public enum TrialOutcome: Sendable, Hashable, Codable {
    /// Reached the validation target at optimizer step `steps`.
    case reached(steps: Int)
    /// Ran to the step cap (`steps`) without reaching the target: right-censored.
    case censored(steps: Int)
    /// The loss became non-finite (or blew up) at step `steps`; the run will never reach the target.
    case diverged(steps: Int)
    /// Stopped at step `steps` because it had already used more steps than the best finished
    /// trial at its batch (the search's early-stop budget): it can no longer be the best.
    case stoppedEarly(steps: Int)

    /// The step at which the run ended (the steps to target for `.reached`).
    public var steps: Int {
        switch self {
        case .reached(let s), .censored(let s), .diverged(let s), .stoppedEarly(let s): return s
        }
    }

    /// The steps to target, or nil when the run did not reach it.
    public var stepsToTarget: Int? {
        if case .reached(let s) = self { return s }
        return nil
    }

    /// Whether the run reached the validation target.
    public var reachedTarget: Bool { stepsToTarget != nil }

    /// The steps to target as a number, +∞ for every run that did not reach it. For sorting and
    /// medians only; never encoded.
    var stepsOrInfinity: Double { stepsToTarget.map(Double.init) ?? .infinity }

    /// The JSON spelling of the case.
    public var status: String {
        switch self {
        case .reached: return "reached"
        case .censored: return "censored"
        case .diverged: return "diverged"
        case .stoppedEarly: return "stopped"
        }
    }

    private enum CodingKeys: String, CodingKey { case status, steps }

    /// Decodes `{"status": …, "steps": …}`; an unknown status is an error naming it.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let status = try c.decode(String.self, forKey: .status)
        let steps = try c.decode(Int.self, forKey: .steps)
        switch status {
        case "reached": self = .reached(steps: steps)
        case "censored": self = .censored(steps: steps)
        case "diverged": self = .diverged(steps: steps)
        case "stopped": self = .stoppedEarly(steps: steps)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: c,
                debugDescription: "unknown trial status '\(status)'; expected reached, censored, diverged or stopped")
        }
    }

    /// Encodes as `{"status": …, "steps": …}`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(steps, forKey: .steps)
    }
}
