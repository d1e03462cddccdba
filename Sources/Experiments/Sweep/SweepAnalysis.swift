import Foundation
import Training

/// How a sweep's results are grouped and compared for the report: one group per architecture
/// (the grid dimensions other than batch and learning rate), and within a group the loss
/// against effective batch beside what linear learning-rate scaling predicts.
public enum SweepAnalysis {
    /// Dimensions that set the effective batch; with `lr` they are the axes of a group's heatmaps.
    public static let batchDimensions: Set<String> = ["globalBatchSize", "batchSize", "accumulateSteps"]

    /// Points that share every grid value except batch, learning rate (and ranks, unless ranks
    /// are needed to tell two points apart).
    public struct Group: Sendable {
        /// `activation=relu, residual=true`, or `all points` when nothing else varies.
        public var label: String
        /// The group's points, in sweep order.
        public var outcomes: [PointOutcome]

        /// The successful points.
        public var finished: [PointOutcome] { outcomes.filter { $0.status == .ok && $0.metrics != nil } }
        /// The learning rates given (before scaling), ascending.
        public var learningRates: [Double] { Array(Set(finished.map(\.givenLearningRate))).sorted() }
        /// The effective batch sizes, ascending.
        public var batches: [Int] { Array(Set(finished.compactMap { $0.metrics?.effectiveBatch })).sorted() }

        /// The point at a given learning rate and effective batch.
        public func outcome(learningRate: Double, batch: Int) -> PointOutcome? {
            finished.first { $0.givenLearningRate == learningRate && $0.metrics?.effectiveBatch == batch }
        }
    }

    /// The outcomes grouped by architecture, in the order groups first appear in the grid.
    public static func groups(_ outcomes: [PointOutcome], grid: SweepGrid) -> [Group] {
        let withoutRanks = group(outcomes, grid: grid, includeRanks: false)
        let collides = withoutRanks.contains { group in
            let keys = group.finished.map { "\($0.givenLearningRate)|\($0.metrics?.effectiveBatch ?? 0)" }
            return Set(keys).count != keys.count
        }
        return collides ? group(outcomes, grid: grid, includeRanks: true) : withoutRanks
    }

    static func group(_ outcomes: [PointOutcome], grid: SweepGrid, includeRanks: Bool) -> [Group] {
        let keyDimensions = grid.dimensions.map(\.name).filter {
            $0 != "lr" && !batchDimensions.contains($0) && (includeRanks || $0 != SweepGrid.ranksDimension)
        }
        var order: [String] = []
        var members: [String: [PointOutcome]] = [:]
        for outcome in outcomes {
            let label = keyDimensions.isEmpty ? "all points"
                : keyDimensions.map { "\($0)=\(outcome.value(of: $0)?.description ?? "?")" }.joined(separator: ", ")
            if members[label] == nil { order.append(label) }
            members[label, default: []].append(outcome)
        }
        return order.map { Group(label: $0, outcomes: members[$0] ?? []) }
    }

    /// One effective batch size under the linear-scaling prediction.
    public struct Prediction: Equatable, Sendable {
        /// The effective batch size.
        public var batch: Int
        /// The best (lowest-loss) point at this batch: its learning rate (after scaling) and loss.
        public var bestLearningRate: Double?
        /// The best point's final loss.
        public var bestLoss: Double?
        /// The smallest batch's best learning rate × batch / smallest batch.
        public var predictedLearningRate: Double
        /// The tried learning rate nearest the prediction (in log scale) and its loss (nil: diverged).
        public var nearestLearningRate: Double
        /// The nearest point's final loss; nil when it diverged.
        public var nearestLoss: Double?
        /// Whether the prediction lies outside the learning rates tried at this batch (beyond 1%).
        public var outsideGrid: Bool
    }

    /// For each effective batch B: the loss at the learning rate the linear rule predicts from
    /// the smallest batch B₀'s best learning rate η₀, η = η₀·B/B₀ (Goyal et al. 2017), taking
    /// the tried learning rate nearest η in log scale. Learning rates are the resolved ones (after
    /// any `lrScaling`), so the comparison holds whatever rule the points ran with. Empty when
    /// no point at the smallest batch has a finite loss.
    public static func linearScalingPrediction(_ outcomes: [PointOutcome],
                                               loss: (RunMetrics) -> Double?) -> [Prediction] {
        let finished = outcomes.filter { $0.status == .ok }.compactMap { o in o.metrics.map { (o, $0) } }
        let batches = Array(Set(finished.map(\.1.effectiveBatch))).sorted()
        guard let smallest = batches.first else { return [] }
        let atSmallest = finished.filter { $0.1.effectiveBatch == smallest }.compactMap { m in loss(m.1).map { (m.1, $0) } }
        guard let base = atSmallest.min(by: { $0.1 < $1.1 }) else { return [] }
        return batches.compactMap { batch in
            let here = finished.filter { $0.1.effectiveBatch == batch }.map(\.1)
            let predicted = base.0.learningRate * Double(batch) / Double(smallest)
            guard predicted > 0, let nearest = here.filter({ $0.learningRate > 0 }).min(by: {
                abs(log($0.learningRate / predicted)) < abs(log($1.learningRate / predicted))
            }) else { return nil }
            let best = here.compactMap { m in loss(m).map { (m, $0) } }.min { $0.1 < $1.1 }
            let rates = here.map(\.learningRate)
            let outside = predicted < (rates.min() ?? 0) * 0.99 || predicted > (rates.max() ?? 0) * 1.01
            return Prediction(batch: batch, bestLearningRate: best?.0.learningRate, bestLoss: best?.1,
                              predictedLearningRate: predicted, nearestLearningRate: nearest.learningRate,
                              nearestLoss: loss(nearest), outsideGrid: outside)
        }
    }
}
