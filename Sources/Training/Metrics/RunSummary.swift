import DataFormats
import Foundation

/// `summary.json`: how one run ended and what it reached. Every run writes it in its run
/// directory, finished or stopped; sweeps and `critical-batch` read it back through this
/// same type, so writer and readers share one contract.
public struct RunSummary: Codable, Sendable, Equatable {
    /// The final metrics of a run.
    public struct Final: Codable, Sendable, Equatable {
        /// The last step's global-batch training loss.
        public var trainLoss: Double?
        /// The last validation loss, when the run has a validation split.
        public var valLoss: Double?
        /// The last validation accuracy (classification with a validation split).
        public var valAccuracy: Double?

        enum CodingKeys: String, CodingKey {
            case trainLoss = "train_loss", valLoss = "val_loss", valAccuracy = "val_accuracy"
        }
    }

    /// How the global batch was split: per-rank batch × ranks × accumulation steps.
    public struct BatchSplit: Codable, Sendable, Equatable {
        /// Samples per rank per micro-step.
        public var perRank: Int
        /// The number of ranks.
        public var ranks: Int
        /// Micro-steps accumulated per optimizer step.
        public var accumulateSteps: Int
        /// The product of the three: samples per optimizer step.
        public var effective: Int

        enum CodingKeys: String, CodingKey {
            case perRank = "per_rank", ranks, accumulateSteps = "accumulate_steps", effective
        }
    }

    /// The configuration the run resolved (as config.json, without the derived values).
    public var config: TrainingConfig
    /// FNV-1a (64-bit, hex) of the configuration's sorted-key JSON without `runDir`: equal
    /// hashes mean the same settings.
    public var configHash: String
    /// Why the run ended (finished, targets reached, max steps, …).
    public var ended: RunEnd
    /// Optimizer steps taken (including any before a resume).
    public var steps: Int
    /// Samples trained on: steps × effective batch.
    public var samples: Int
    /// Training seconds in this process (the slowest rank's step times), evaluation excluded.
    public var seconds: Double
    /// Seconds spent in evaluations, apart from training.
    public var evaluationSeconds: Double
    /// Evaluations made between epoch ends (scheduled or for targets).
    public var evaluations: Int
    /// Wall-clock seconds of this process's run, start-up included.
    public var wallSeconds: Double
    /// How the effective batch was split.
    public var batch: BatchSplit
    /// The learning rate after `lrScaling` (the schedule's base).
    public var learningRate: Double
    /// The final losses and accuracy.
    public var final: Final
    /// One per `--target`, in order; `step` is null for a target never reached (censored).
    public var targets: [TargetTracker.Crossing]
    /// First layer's gradient norm over the last hidden layer's at step 1.
    public var vanishingFactorAtInit: Double?
    /// The smoothed B_simple when the first target was reached (with `--diagnostics-every`).
    public var bSimpleAtTarget: Double?

    enum CodingKeys: String, CodingKey {
        case config, ended, steps, samples, seconds, evaluations, batch, final, targets
        case configHash = "config_hash", evaluationSeconds = "evaluation_seconds", wallSeconds = "wall_seconds"
        case learningRate = "learning_rate", vanishingFactorAtInit = "vanishing_factor_at_init"
        case bSimpleAtTarget = "b_simple_at_target"
    }

    /// The file name inside a run directory.
    public static let fileName = "summary.json"

    /// The hash of a configuration's settings (the run directory left out).
    public static func hash(_ config: TrainingConfig) -> String {
        var c = config
        c.runDir = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bytes = (try? encoder.encode(c)) ?? Data()
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    /// Writes the summary atomically: a reader sees the old file or the new one, never half.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFileWriter.write(try encoder.encode(self) + Data("\n".utf8), to: directory.appendingPathComponent(Self.fileName))
    }

    /// Reads `summary.json` from a run directory.
    public static func read(from directory: URL) throws -> RunSummary {
        let url = directory.appendingPathComponent(fileName)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError("\(url.path): cannot read the run summary (\(TrainingConfig.reason(error)))")
        }
        do {
            return try JSONDecoder().decode(RunSummary.self, from: data)
        } catch {
            throw ConfigError("\(url.path): not a valid run summary (\(error)); rerun the point to rewrite it")
        }
    }
}

extension RunSummary {
    /// The summary of `trainer`'s run as it stands.
    public init(trainer: Trainer, tracker: TargetTracker?, wallSeconds: Double) {
        let plan = trainer.plan
        config = plan.config
        configHash = Self.hash(plan.config)
        ended = trainer.end ?? .finished
        steps = trainer.step
        samples = trainer.step * plan.effectiveBatch
        seconds = trainer.trainingSeconds
        evaluationSeconds = tracker?.evaluationSeconds ?? 0
        evaluations = tracker?.evaluations ?? 0
        self.wallSeconds = wallSeconds
        batch = BatchSplit(perRank: plan.perRankBatch, ranks: plan.worldSize, accumulateSteps: plan.config.accumulateSteps,
                           effective: plan.effectiveBatch)
        learningRate = Double(plan.learningRate)
        final = Final(trainLoss: trainer.lastLoss.isFinite ? trainer.lastLoss : nil,
                      valLoss: tracker?.lastEvaluation?.loss, valAccuracy: tracker?.lastEvaluation?.accuracy)
        targets = tracker?.crossings ?? []
        vanishingFactorAtInit = trainer.firstNorms.flatMap { ModelFactory.vanishingFactor(gradientNorms: $0) }
        bSimpleAtTarget = targets.first?.bSimple
    }
}
