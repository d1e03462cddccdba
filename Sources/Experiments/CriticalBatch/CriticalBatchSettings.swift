import Foundation
import Training

/// What a `critical-batch` study measures, beyond the base configuration every trial shares.
public struct CriticalBatchSettings: Sendable {
    /// The global batches to measure, ascending.
    public var batchSizes: [Int]
    /// Evaluation seeds per batch at the tuned learning rate (and at each neighbour).
    public var seeds: Int
    /// The learning rate the search grid is centred on (default: the base configuration's).
    public var startLearningRate: Double
    /// Coarse grid steps (×√10) the search may extend each way.
    public var extensionLimit: Int
    /// Halvings of the log spacing around the best.
    public var refinements: Int
    /// Per-layer diagnostics every K steps in every trial, for the gradient noise scale at the
    /// crossing (B_simple); 0: off.
    public var noiseScaleEvery: Int
    /// Bootstrap resamples for every interval.
    public var resamples: Int

    /// Settings for `batchSizes` with `seeds` evaluation seeds, the search starting at `startLearningRate`.
    public init(batchSizes: [Int], seeds: Int, startLearningRate: Double, extensionLimit: Int = 3, refinements: Int = 1,
                noiseScaleEvery: Int = 10, resamples: Int = 2000) {
        self.batchSizes = batchSizes
        self.seeds = seeds
        self.startLearningRate = startLearningRate
        self.extensionLimit = extensionLimit
        self.refinements = refinements
        self.noiseScaleEvery = noiseScaleEvery
        self.resamples = resamples
    }

    /// Checks the settings against the base configuration and the architectures' rank counts,
    /// so that a bad study is refused before any trial runs.
    public func validate(base: TrainingConfig, ranks: [Int]) throws {
        guard !batchSizes.isEmpty else { throw SweepError("--batch-sizes is empty; give global batches such as 8,16,32") }
        guard batchSizes.allSatisfy({ $0 >= 1 }) else {
            throw SweepError("--batch-sizes \(batchSizes.map(String.init).joined(separator: ",")): every batch must be at least 1")
        }
        guard Set(batchSizes).count == batchSizes.count else { throw SweepError("--batch-sizes lists a batch twice") }
        guard seeds >= 1 else { throw SweepError("--seeds must be at least 1, got \(seeds)") }
        guard startLearningRate > 0 && startLearningRate.isFinite else {
            throw SweepError("--lr-start must be a positive number, got \(startLearningRate)")
        }
        guard (0...6).contains(refinements), extensionLimit >= 0 else {
            throw SweepError("--lr-refinements must be in 0…6 and --lr-extensions ≥ 0")
        }
        guard noiseScaleEvery >= 0 else { throw SweepError("--noise-scale-every must be ≥ 0, got \(noiseScaleEvery)") }
        guard let targets = base.targets, !targets.isEmpty else {
            throw SweepError("critical-batch needs a goal: add --target, e.g. --target 'val_accuracy>=0.9' (the first one is measured)")
        }
        guard base.maxSteps != nil else {
            throw SweepError("critical-batch needs a step cap: add --max-steps N; a trial that reaches it is censored")
        }
        for r in Set(ranks) {
            for b in batchSizes where b % (r * accumulation(batch: b, ranks: r)) != 0 {
                throw SweepError("--batch-sizes: batch \(b) does not split across \(r) rank(s)"
                    + (accumulation(batch: b, ranks: r) > 1 ? " × 2 accumulation steps (for the noise scale at 1 rank)" : "")
                    + "; choose multiples of \(r * accumulation(batch: b, ranks: r))")
            }
        }
    }

    /// Accumulation steps a trial uses: at one rank the noise scale needs two gradient
    /// estimates of different batch sizes, which two micro-batches give; more ranks give them
    /// from the ranks' own gradients.
    public func accumulation(batch: Int, ranks: Int) -> Int {
        noiseScaleEvery > 0 && ranks == 1 && batch >= 2 && batch % 2 == 0 ? 2 : 1
    }
}
