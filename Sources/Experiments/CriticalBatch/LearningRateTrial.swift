import Foundation

/// One trial of a learning-rate search: the learning rate tried and how the run ended.
public struct LearningRateTrial: Sendable, Hashable, Codable {
    public var learningRate: Double
    public var outcome: TrialOutcome

    public init(learningRate: Double, outcome: TrialOutcome) {
        self.learningRate = learningRate; self.outcome = outcome
    }
}
