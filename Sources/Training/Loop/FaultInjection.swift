/// Deliberate faults for testing the failure paths (hidden `--debug-fault` flag):
/// `nan@STEP[@RANK]` makes the loss NaN at that step (on one rank or all);
/// `perturb@STEP@RANK` nudges one parameter on one rank after that step, so replicas diverge.
public struct FaultInjection: Sendable, Equatable {
    public var nanStep: Int?
    public var nanRank: Int?
    public var perturbStep: Int?
    public var perturbRank: Int?

    public init() {}

    /// Parses the flag's value.
    public init(spec: String) throws {
        let parts = spec.split(separator: "@").map(String.init)
        guard parts.count >= 2, let step = Int(parts[1]), step >= 1 else {
            throw ConfigError("--debug-fault '\(spec)': expected nan@STEP[@RANK] or perturb@STEP@RANK")
        }
        let rank = parts.count > 2 ? Int(parts[2]) : nil
        switch parts[0] {
        case "nan": nanStep = step; nanRank = rank
        case "perturb": perturbStep = step; perturbRank = rank ?? 1
        default: throw ConfigError("--debug-fault '\(spec)': unknown fault '\(parts[0])' (nan, perturb)")
        }
    }

    func injectsNaN(step: Int, rank: Int) -> Bool {
        nanStep == step && (nanRank == nil || nanRank == rank)
    }

    func perturbs(step: Int, rank: Int) -> Bool {
        perturbStep == step && perturbRank == rank
    }
}
