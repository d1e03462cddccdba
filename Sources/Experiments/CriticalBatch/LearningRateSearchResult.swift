import Foundation

/// What a `LearningRateSearch` at one batch size concluded.
///
/// With `.reached`, `learningRate` is the best trial's and the neighbours are the grid points one
/// finest step (a factor 10^(0.5/2^refinements)) below and above it — not necessarily tried —
/// which the evaluation stage runs with several seeds alongside the chosen one. With
/// `.noneReached` no trial reached the target: there is no learning rate to evaluate, and the
/// batch must be reported as censored, never as reaching at the step cap.
public struct LearningRateSearchResult: Sendable, Hashable, Codable {
    /// Whether any trial reached the target.
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// A trial reached the target; the search chose a learning rate.
        case reached
        /// No trial reached the target within the cap: the batch is censored.
        case noneReached
    }

    /// Whether any trial reached the target; decides which of the fields below are set.
    public var verdict: Verdict
    /// The learning rate with the fewest steps to target (nil for `.noneReached`).
    public var learningRate: Double?
    /// Its steps to target.
    public var steps: Int?
    /// The grid neighbour one finest step below the chosen learning rate.
    public var lowerNeighbour: Double?
    /// The grid neighbour one finest step above the chosen learning rate.
    public var upperNeighbour: Double?
    /// True when the best trial is the smallest or the largest learning rate tried: the
    /// extension limit stopped the search, and the optimum may lie beyond.
    public var bestOnEdge: Bool
    /// Every trial in the order it was run.
    public var trials: [LearningRateTrial]

    /// The learning rates the evaluation stage should run: lower neighbour, chosen, upper
    /// neighbour (empty for `.noneReached`).
    public var evaluationLearningRates: [Double] {
        [lowerNeighbour, learningRate, upperNeighbour].compactMap { $0 }
    }
}
