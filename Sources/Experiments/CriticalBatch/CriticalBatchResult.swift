import Foundation
import Training

/// `critical-batch.json`: per architecture and batch, the tuned learning rate, every trial,
/// the steps to target per evaluation seed (null when censored), their median and interval,
/// then the fit of S(B) = S_min·(1 + B_crit/B) and the noise scales beside it.
public struct CriticalBatchResult: Codable, Sendable {
    /// One trial as the study recorded it.
    public struct Trial: Codable, Sendable {
        /// Whether the trial searched the learning rate or evaluated it.
        public var phase: CriticalBatchTrial.Phase
        /// The learning rate trained with.
        public var lr: Double
        /// The trial's seed.
        public var seed: UInt64
        /// Whether and when it reached the target, or why not.
        public var outcome: TrialOutcome
        /// Training seconds (evaluation excluded) and evaluation seconds.
        public var seconds: Double
        /// Seconds spent evaluating.
        public var evaluationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case phase, lr, seed, outcome, seconds, evaluationSeconds = "evaluation_seconds"
        }
    }

    /// How the global batch was split.
    public struct Split: Codable, Sendable {
        /// Samples per rank per micro-step.
        public var perRank: Int
        /// The number of ranks.
        public var ranks: Int
        /// Micro-steps accumulated per optimizer step.
        public var accumulateSteps: Int

        enum CodingKeys: String, CodingKey { case perRank = "per_rank", ranks, accumulateSteps = "accumulate_steps" }
    }

    /// A neighbour of the tuned learning rate, evaluated on the same seeds.
    public struct Neighbour: Codable, Sendable {
        /// The neighbouring learning rate.
        public var lr: Double
        /// Steps to target per evaluation seed at it; null for a censored seed.
        public var steps: [Int?]
    }

    /// One batch of one architecture.
    public struct Batch: Codable, Sendable {
        /// The global batch size B.
        public var batchSize: Int
        /// The tuned learning rate; nil when no trial reached the target.
        public var lr: Double?
        /// The search's verdict (`reached`, `none-reached`), or `failed`.
        public var verdict: String
        /// How the batch was split; nil when no trial ran.
        public var split: Split?
        /// Every trial at this batch, tuning first.
        public var trials: [Trial]
        /// Steps to target per evaluation seed at `lr`; null for a censored seed.
        public var steps: [Int?]
        /// The median of `steps`; nil when censored (see `stepsMedianLowerBound`).
        public var stepsMedian: Double?
        /// When the median itself is censored: the lower bound it is known to exceed.
        public var stepsMedianLowerBound: Double?
        /// The 95 % bootstrap interval of the median; an end is null when censored.
        public var stepsCI: [Double?]?
        /// The neighbours of the tuned rate, evaluated on the same seeds.
        public var neighbours: [Neighbour]
        /// B_simple at the crossing, per evaluation seed that reached it (with the noise scale on).
        public var bSimpleAtTarget: [Double]
        /// The vanishing factor at initialization, per evaluation seed.
        public var vanishingFactorAtInit: [Double]
        /// Per-layer gradient norms at the first seed's crossing.
        public var gradientNormsAtTarget: [String: Double]?
        /// Why the batch could not be measured, when `verdict` is `failed`.
        public var failure: String?
        /// The summary the fit used (not written).
        public var stepsSummary: StepsSummary?

        enum CodingKeys: String, CodingKey {
            case batchSize = "batch_size", lr, verdict, split, trials, steps, neighbours, failure
            case stepsMedian = "steps_median", stepsMedianLowerBound = "steps_median_lower_bound", stepsCI = "steps_ci"
            case bSimpleAtTarget = "b_simple_at_target", vanishingFactorAtInit = "vanishing_factor_at_init"
            case gradientNormsAtTarget = "gradient_norms_at_target"
        }
    }

    /// A value with its 95 % interval (an end is null when unbounded or unknown).
    public struct Estimate: Codable, Sendable {
        /// The point estimate; nil when it does not exist (see the fit's status).
        public var value: Double?
        /// The interval as `[lower, upper]`.
        public var ci: [Double?]
    }

    /// The fit of one architecture.
    public struct Fit: Codable, Sendable {
        /// How the fit went (`fitted`, `noCriticalBatch`, `unboundedCriticalBatch`, `insufficientData`).
        public var status: String
        /// S_min: the fewest steps to target, at infinite batch.
        public var sMin: Double?
        /// The 95 % interval of S_min as `[lower, upper]`.
        public var sMinCI: [Double?]
        /// E_min = S_min·B_crit: the fewest samples to target, as the batch goes to 0.
        public var eMin: Double?
        /// The 95 % interval of E_min as `[lower, upper]`.
        public var eMinCI: [Double?]
        /// B_crit = E_min/S_min: the critical batch size.
        public var bCrit: Double?
        /// The 95 % interval of B_crit as `[lower, upper]`.
        public var bCritCI: [Double?]
        /// Batches whose median was censored, left out of the fit.
        public var excludedBatches: [Int]
        /// The measured noise scale at the crossing (median over batches and seeds).
        public var bSimple: Estimate
        /// The noise scale fitted from the tuned learning rates: ε_opt(B) = ε_max/(1 + B_noise/B).
        public var bNoise: Estimate
        /// ε_max: the optimal learning rate at infinite batch, from the same fit.
        public var epsilonMax: Estimate
        /// How that fit went (`fitted`, `noNoiseScale`, `unboundedNoiseScale`, `insufficientData`).
        public var bNoiseStatus: String

        enum CodingKeys: String, CodingKey {
            case status, excludedBatches = "excluded_batches"
            case sMin = "s_min", sMinCI = "s_min_ci", eMin = "e_min", eMinCI = "e_min_ci", bCrit = "b_crit", bCritCI = "b_crit_ci"
            case bSimple = "b_simple", bNoise = "b_noise", epsilonMax = "epsilon_max", bNoiseStatus = "b_noise_status"
        }
    }

    /// One architecture.
    public struct Architecture: Codable, Sendable {
        /// The architecture's name (from its grid values).
        public var name: String
        /// The grid values that make it.
        public var config: [String: SweepValue]
        /// The MPI processes its trials ran on.
        public var ranks: Int
        /// One entry per batch size, ascending.
        public var batches: [Batch]
        /// The fit of S(B) and of the learning rates.
        public var fit: Fit
        /// Median over evaluation seeds of the vanishing factor at initialization.
        public var vanishingFactorAtInit: Double?

        enum CodingKeys: String, CodingKey {
            case name, config, ranks, batches, fit, vanishingFactorAtInit = "vanishing_factor_at_init"
        }
    }

    /// The measured target (the first `--target`) and the others recorded on the way.
    public var target: String
    /// Every `--target`, in order, as written (`val_accuracy>=0.9`).
    public var targets: [String]
    /// The study's step cap: a trial not at the target by then is censored.
    public var maxSteps: Int
    /// Evaluation seeds per batch.
    public var seeds: Int
    /// The configuration every trial starts from.
    public var base: TrainingConfig
    /// One entry per architecture of the grid.
    public var architectures: [Architecture]
    /// Trials run by this invocation and reused from earlier ones, and the compute they took.
    public var trialsRun: Int
    /// Trials reused from earlier invocations.
    public var trialsReused: Int
    /// Training seconds over all trials, evaluation excluded.
    public var computeSeconds: Double
    /// Evaluation seconds over all trials.
    public var evaluationSeconds: Double
    /// This invocation's wall time, the trials it ran per hour of it, and the core-hours they
    /// took (each trial's wall time × its ranks). Nil in results written before they were recorded.
    public var wallSeconds: Double?
    /// Trials this invocation ran, per hour of its wall time.
    public var trialsPerHour: Double?
    /// Σ over the trials this invocation ran of wall seconds × ranks, in hours.
    public var coreHours: Double?

    enum CodingKeys: String, CodingKey {
        case target, targets, seeds, base, architectures
        case wallSeconds = "wall_seconds", trialsPerHour = "trials_per_hour", coreHours = "core_hours"
        case maxSteps = "max_steps", trialsRun = "trials_run", trialsReused = "trials_reused"
        case computeSeconds = "compute_seconds", evaluationSeconds = "evaluation_seconds"
    }

    /// An interval as `[lower, upper]`.
    static func pair(_ interval: PercentileInterval?) -> [Double?] { [interval?.lower, interval?.upper] }
}

extension CriticalBatchResult {
    /// Reads `critical-batch.json` from a study directory.
    public static func read(from directory: URL) throws -> CriticalBatchResult {
        let url = directory.appendingPathComponent("critical-batch.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SweepError("\(url.path): no study results; run `ddp-train critical-batch --study-dir \(directory.path) …` first")
        }
        do {
            return try JSONDecoder().decode(CriticalBatchResult.self, from: data)
        } catch {
            throw SweepError("\(url.path): not a critical-batch result (\(error)); rerun the study to rewrite it")
        }
    }

    /// The configuration an architecture's trials share: the base with its grid values laid over.
    public func configuration(of architecture: Architecture) throws -> TrainingConfig {
        let object = architecture.config.mapValues(\.jsonObject)
        let json = try JSONSerialization.data(withJSONObject: object)
        return try base.overlaying(json: json, source: "architecture \(architecture.name)")
    }
}
