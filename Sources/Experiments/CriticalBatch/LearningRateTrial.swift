import Foundation

/// One trial of a learning-rate search: the learning rate tried and how the run ended.
public struct LearningRateTrial: Sendable, Hashable, Codable {
    /// The learning rate the trial ran at.
    public var learningRate: Double
    /// How the trial ended.
    public var outcome: TrialOutcome

    /// A trial at `learningRate` that ended with `outcome`.
    public init(learningRate: Double, outcome: TrialOutcome) {
        self.learningRate = learningRate; self.outcome = outcome
    }
}
