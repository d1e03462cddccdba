import Foundation
import Training

/// `critical-batch.json`: per architecture and batch, the tuned learning rate, every trial,
/// the steps to target per evaluation seed (null when censored), their median and interval,
/// then the fit of S(B) = S_min·(1 + B_crit/B) and the noise scales beside it.
public struct CriticalBatchResult: Codable, Sendable {
    /// One trial as the study recorded it.
    public struct Trial: Codable, Sendable {
        public var phase: CriticalBatchTrial.Phase
        public var lr: Double
        public var seed: UInt64
        public var outcome: TrialOutcome
        /// Training seconds (evaluation excluded) and evaluation seconds.
        public var seconds: Double
        public var evaluationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case phase, lr, seed, outcome, seconds, evaluationSeconds = "evaluation_seconds"
        }
    }

    /// How the global batch was split.
    public struct Split: Codable, Sendable {
        public var perRank: Int
        public var ranks: Int
        public var accumulateSteps: Int

        enum CodingKeys: String, CodingKey { case perRank = "per_rank", ranks, accumulateSteps = "accumulate_steps" }
    }

    /// A neighbour of the tuned learning rate, evaluated on the same seeds.
    public struct Neighbour: Codable, Sendable {
        public var lr: Double
        public var steps: [Int?]
    }

    /// One batch of one architecture.
    public struct Batch: Codable, Sendable {
        public var batchSize: Int
        /// The tuned learning rate; nil when no trial reached the target.
        public var lr: Double?
        /// The search's verdict (`reached`, `none-reached`), or `failed`.
        public var verdict: String
        public var split: Split?
        public var trials: [Trial]
        /// Steps to target per evaluation seed at `lr`; null for a censored seed.
        public var steps: [Int?]
        public var stepsMedian: Double?
        /// When the median itself is censored: the lower bound it is known to exceed.
        public var stepsMedianLowerBound: Double?
        /// The 95 % bootstrap interval of the median; an end is null when censored.
        public var stepsCI: [Double?]?
        public var neighbours: [Neighbour]
        /// B_simple at the crossing, per evaluation seed that reached it (with the noise scale on).
        public var bSimpleAtTarget: [Double]
        public var vanishingFactorAtInit: [Double]
        /// Per-layer gradient norms at the first seed's crossing.
        public var gradientNormsAtTarget: [String: Double]?
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
        public var value: Double?
        public var ci: [Double?]
    }

    /// The fit of one architecture.
    public struct Fit: Codable, Sendable {
        public var status: String
        public var sMin: Double?
        public var sMinCI: [Double?]
        public var eMin: Double?
        public var eMinCI: [Double?]
        public var bCrit: Double?
        public var bCritCI: [Double?]
        /// Batches whose median was censored, left out of the fit.
        public var excludedBatches: [Int]
        /// The measured noise scale at the crossing (median over batches and seeds).
        public var bSimple: Estimate
        /// The noise scale fitted from the tuned learning rates: ε_opt(B) = ε_max/(1 + B_noise/B).
        public var bNoise: Estimate
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
        public var name: String
        /// The grid values that make it.
        public var config: [String: SweepValue]
        public var ranks: Int
        public var batches: [Batch]
        public var fit: Fit
        /// Median over evaluation seeds of the vanishing factor at initialization.
        public var vanishingFactorAtInit: Double?

        enum CodingKeys: String, CodingKey {
            case name, config, ranks, batches, fit, vanishingFactorAtInit = "vanishing_factor_at_init"
        }
    }

    /// The measured target (the first `--target`) and the others recorded on the way.
    public var target: String
    public var targets: [String]
    public var maxSteps: Int
    public var seeds: Int
    public var base: TrainingConfig
    public var architectures: [Architecture]
    /// Trials run by this invocation and reused from earlier ones, and the compute they took.
    public var trialsRun: Int
    public var trialsReused: Int
    public var computeSeconds: Double
    public var evaluationSeconds: Double

    enum CodingKeys: String, CodingKey {
        case target, targets, seeds, base, architectures
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
