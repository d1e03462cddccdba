import Foundation
import Training

/// The measurement of one architecture at one batch: the learning-rate search on the tuning
/// seed, then the evaluation seeds at the tuned rate and its two neighbours.
final class BatchMeasurement {
    let architecture: CriticalBatchArchitecture
    let batch: Int
    let settings: CriticalBatchSettings
    private(set) var search: LearningRateSearch
    /// Trials of the evaluation phase not yet started.
    private(set) var pendingEvaluations: [CriticalBatchTrial] = []
    /// Every finished trial with its outcome and summary, in the order they finished.
    private(set) var finished: [(trial: CriticalBatchTrial, outcome: TrialOutcome, summary: RunSummary)] = []
    /// Trials now running.
    private(set) var running = 0
    /// Why this batch could not be measured (a trial that crashed without a summary).
    private(set) var failure: String?
    private var evaluationPlanned = false

    init(architecture: CriticalBatchArchitecture, batch: Int, settings: CriticalBatchSettings) {
        self.architecture = architecture
        self.batch = batch
        self.settings = settings
        search = LearningRateSearch(start: settings.startLearningRate, extensionLimit: settings.extensionLimit,
                                    refinements: settings.refinements)
    }

    /// Whether nothing is left to run or wait for.
    var isDone: Bool { failure != nil ? running == 0 : evaluationPlanned && pendingEvaluations.isEmpty && running == 0 }

    /// The trials that can start now: the search's next one (searches run a trial at a time,
    /// since each uses the budget of those before it), or the evaluation trials.
    func readyTrials() -> [CriticalBatchTrial] {
        guard failure == nil else { return [] }
        if let lr = search.nextLearningRate {
            guard running == 0 else { return [] }
            let cap = architecture.config.maxSteps ?? .max
            // An early-stopped trial can no longer beat the best: it stops one step past its steps.
            let budget = search.earlyStopBudget.map { min($0 + 1, cap) } ?? cap
            return [trial(lr: lr, seed: architecture.config.seed + 1000, phase: .tune, cap: budget)]
        }
        if !evaluationPlanned { planEvaluation() }
        return pendingEvaluations
    }

    /// Marks `trial` as started.
    func started(_ trial: CriticalBatchTrial) {
        running += 1
        pendingEvaluations.removeAll { $0.relativePath == trial.relativePath }
    }

    /// Records how a trial ended.
    func finished(_ trial: CriticalBatchTrial, summary: RunSummary) {
        running -= 1
        let outcome = trial.outcome(from: summary)
        finished.append((trial, outcome, summary))
        if trial.phase == .tune { search.record(outcome) }
    }

    /// Records a trial that ended without a summary: the batch stops, with the reason.
    func failed(_ trial: CriticalBatchTrial, message: String) {
        running -= 1
        failure = failure ?? "\(trial.relativePath): \(message)"
        pendingEvaluations = []
    }

    private func planEvaluation() {
        evaluationPlanned = true
        guard let result = search.result, result.verdict == .reached else { return }
        let cap = architecture.config.maxSteps ?? .max
        for lr in result.evaluationLearningRates {
            for s in 1...settings.seeds {
                pendingEvaluations.append(trial(lr: lr, seed: architecture.config.seed + UInt64(s), phase: .evaluate, cap: cap))
            }
        }
    }

    private func trial(lr: Double, seed: UInt64, phase: CriticalBatchTrial.Phase, cap: Int) -> CriticalBatchTrial {
        var c = architecture.config
        let accumulation = settings.accumulation(batch: batch, ranks: architecture.ranks)
        c.globalBatchSize = batch / accumulation
        c.batchSize = nil
        c.accumulateSteps = accumulation
        c.lr = Float(lr)
        c.lrScaling = .none
        c.seed = seed
        c.maxSteps = cap
        return CriticalBatchTrial(architecture: architecture.name, batch: batch, learningRate: lr, seed: seed, phase: phase,
                                  ranks: architecture.ranks, config: c, studyCap: architecture.config.maxSteps ?? .max)
    }

    /// The measured result of this batch.
    func result(resamples: Int, seed: UInt64) -> CriticalBatchResult.Batch {
        let chosen = search.result?.learningRate
        let evaluations = finished.filter { $0.trial.phase == .evaluate }
        let atChosen = evaluations.filter { $0.trial.learningRate == chosen }.sorted { $0.trial.seed < $1.trial.seed }
        let summary = atChosen.isEmpty ? nil
            : StepsSummary(batch: batch, outcomes: atChosen.map(\.outcome), resamples: resamples, seed: seed)
        let neighbours = (search.result?.evaluationLearningRates ?? []).filter { $0 != chosen }.map { lr in
            let runs = evaluations.filter { $0.trial.learningRate == lr }.sorted { $0.trial.seed < $1.trial.seed }
            return CriticalBatchResult.Neighbour(lr: lr, steps: runs.map { $0.outcome.stepsToTarget })
        }
        let first = finished.first?.summary
        return CriticalBatchResult.Batch(
            batchSize: batch, lr: chosen, verdict: search.result?.verdict.rawValue ?? (failure == nil ? "running" : "failed"),
            split: first.map { CriticalBatchResult.Split(perRank: $0.batch.perRank, ranks: $0.batch.ranks,
                                                         accumulateSteps: $0.batch.accumulateSteps) },
            trials: finished.map { CriticalBatchResult.Trial(phase: $0.trial.phase, lr: $0.trial.learningRate, seed: $0.trial.seed,
                                                             outcome: $0.outcome, seconds: $0.summary.seconds,
                                                             evaluationSeconds: $0.summary.evaluationSeconds) },
            steps: atChosen.map { $0.outcome.stepsToTarget }, stepsMedian: summary?.median,
            stepsMedianLowerBound: summary?.isCensored == true ? summary?.medianLowerBound : nil,
            stepsCI: summary.map { [$0.interval.lower, $0.interval.upper] },
            neighbours: neighbours,
            bSimpleAtTarget: atChosen.compactMap { $0.summary.bSimpleAtTarget },
            vanishingFactorAtInit: atChosen.compactMap { $0.summary.vanishingFactorAtInit },
            gradientNormsAtTarget: atChosen.first?.summary.targets.first?.gradientNorms,
            failure: failure, stepsSummary: summary)
    }
}
