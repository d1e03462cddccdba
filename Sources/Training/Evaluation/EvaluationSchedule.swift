import Foundation

/// When a run evaluates its validation split between epoch ends.
///
/// Written as text in configs: `every:K` (every K optimizer steps, `--eval-every K`) or
/// `geometric:R` (at steps that grow by a factor 1 + R, `--eval-schedule geometric:0.05`). A
/// geometric schedule bounds the relative error of a recorded crossing: the step recorded is
/// within a factor 1 + R of the first step at which the target held, with about
/// ln(S)/ln(1 + R) evaluations for S steps instead of S/K.
public enum EvaluationSchedule: ConfigText, Sendable, Equatable {
    /// Every K optimizer steps (`every:K`, `--eval-every K`).
    case every(Int)
    /// At steps growing by a factor 1 + R (`geometric:R`), with 0 < R ≤ 1.
    case geometric(Double)

    /// Parses `every:K`, a bare `K`, or `geometric:R`.
    public init(parsing text: String) throws {
        let usage = "write every:K (K ≥ 1 steps) or geometric:R (0 < R ≤ 1, e.g. geometric:0.05)"
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("every", 2):
            guard let k = Int(parts[1]), k >= 1 else { throw ConfigError("--eval-schedule '\(text)': \(usage)") }
            self = .every(k)
        case ("geometric", 2):
            guard let r = Double(parts[1]), r > 0, r <= 1 else { throw ConfigError("--eval-schedule '\(text)': \(usage)") }
            self = .geometric(r)
        default:
            guard let k = Int(text), k >= 1 else { throw ConfigError("--eval-schedule '\(text)': \(usage)") }
            self = .every(k)
        }
    }

    /// The first evaluation step after `step` (evaluations also happen at epoch ends and at
    /// the last step, whatever the schedule).
    public func next(after step: Int) -> Int {
        switch self {
        case let .every(k): return (step / k + 1) * k
        case let .geometric(r): return max(step + 1, Int((Double(step) * (1 + r)).rounded(.up)))
        }
    }

    /// The config spelling, `every:K` or `geometric:R`.
    public var description: String {
        switch self {
        case let .every(k): "every:\(k)"
        case let .geometric(r): "geometric:\(NumberText.shortest(r))"
        }
    }
}
