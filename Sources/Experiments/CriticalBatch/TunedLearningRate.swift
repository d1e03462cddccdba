import Foundation

/// The tuned learning rate at one batch size, with the grid neighbours that bound where the true
/// optimum can lie: the input of `NoiseScaleFit`.
public struct TunedLearningRate: Sendable, Hashable, Codable {
    /// The (global) batch size.
    public var batch: Int
    /// The learning rate with the fewest steps to target.
    public var learningRate: Double
    /// The grid point below it (nil when unknown: the batch's value is then taken as exact).
    public var lowerNeighbour: Double?
    /// The grid point above it (nil when unknown).
    public var upperNeighbour: Double?

    /// A tuned rate at `batch`; the neighbours, when given, must lie below and above it.
    public init(batch: Int, learningRate: Double, lowerNeighbour: Double? = nil, upperNeighbour: Double? = nil) {
        precondition(batch > 0 && learningRate > 0 && learningRate.isFinite)
        precondition((lowerNeighbour ?? 0) < learningRate && (upperNeighbour ?? .infinity) > learningRate,
                     "the neighbours must lie below and above the learning rate")
        self.batch = batch; self.learningRate = learningRate
        self.lowerNeighbour = lowerNeighbour; self.upperNeighbour = upperNeighbour
    }

    /// The tuned rate of a finished search at `batch`; nil when no trial reached the target.
    public init?(batch: Int, search: LearningRateSearchResult) {
        guard search.verdict == .reached, let lr = search.learningRate else { return nil }
        self.init(batch: batch, learningRate: lr, lowerNeighbour: search.lowerNeighbour,
                  upperNeighbour: search.upperNeighbour)
    }
}
