/// Deliberate faults for testing the failure paths (hidden `--debug-fault` flag):
/// `nan@STEP[@RANK]` makes the loss NaN at that step (on one rank or all);
/// `perturb@STEP@RANK` nudges one parameter on one rank after that step, so replicas diverge;
/// `stall@STEP@RANK[@SECONDS]` makes one rank sleep (default 3 s) before that step's backward, so
/// the other ranks wait for it in the gradient allreduce (tests the stall warning).
public struct FaultInjection: Sendable, Equatable {
    /// `nan@STEP`: the step whose loss is made NaN.
    public var nanStep: Int?
    /// The rank whose loss is made NaN; nil: every rank.
    public var nanRank: Int?
    /// `perturb@STEP@RANK`: the step after which one parameter is nudged.
    public var perturbStep: Int?
    /// The rank whose parameter is nudged.
    public var perturbRank: Int?
    /// `stall@STEP@RANK`: the step before whose backward one rank sleeps.
    public var stallStep: Int?
    /// The rank that sleeps.
    public var stallRank: Int?
    /// How long the stalled rank sleeps, in seconds.
    public var stallSeconds = 3.0

    /// No faults.
    public init() {}

    /// Parses the flag's value.
    public init(spec: String) throws {
        let parts = spec.split(separator: "@").map(String.init)
        guard parts.count >= 2, let step = Int(parts[1]), step >= 1 else {
            throw ConfigError("--debug-fault '\(spec)': expected nan@STEP[@RANK], perturb@STEP@RANK or stall@STEP@RANK[@SECONDS]")
        }
        let rank = parts.count > 2 ? Int(parts[2]) : nil
        switch parts[0] {
        case "nan": nanStep = step; nanRank = rank
        case "perturb": perturbStep = step; perturbRank = rank ?? 1
        case "stall":
            stallStep = step; stallRank = rank ?? 1
            if parts.count > 3 {
                guard let seconds = Double(parts[3]), seconds > 0, seconds <= 3600 else {
                    throw ConfigError("--debug-fault '\(spec)': the stall length must be seconds in (0, 3600]")
                }
                stallSeconds = seconds
            }
        default: throw ConfigError("--debug-fault '\(spec)': unknown fault '\(parts[0])' (nan, perturb, stall)")
        }
    }

    func injectsNaN(step: Int, rank: Int) -> Bool {
        nanStep == step && (nanRank == nil || nanRank == rank)
    }

    func perturbs(step: Int, rank: Int) -> Bool {
        perturbStep == step && perturbRank == rank
    }

    /// Seconds to sleep before backward at `step` on `rank` (0: no stall).
    func stall(step: Int, rank: Int) -> Double {
        stallStep == step && stallRank == rank ? stallSeconds : 0
    }
}
