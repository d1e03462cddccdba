import Training
/// How the batch changes with the rank count in a scaling study.
public enum ScalingMode: Equatable, Sendable, CustomStringConvertible {
    /// Strong scaling: a fixed global batch split over the ranks (per-rank batch G/P).
    case strong(globalBatch: Int)
    /// Weak scaling: a fixed per-rank batch (global batch grows as P·b).
    case weak(perRankBatch: Int)

    /// The per-rank batch at `ranks`; nil when under one sample. Strong scaling may give a
    /// fraction (G/P need not divide), which the model treats as an average.
    public func perRankBatch(ranks: Int) -> Double? {
        switch self {
        case let .strong(g):
            let b = Double(g) / Double(ranks)
            return b >= 1 ? b : nil
        case let .weak(b):
            return Double(b)
        }
    }

    /// A phrase for the study's header, e.g. "strong scaling (global batch 256 split over the ranks)".
    public var description: String {
        switch self {
        case let .strong(g): "strong scaling (global batch \(g) split over the ranks)"
        case let .weak(b): "weak scaling (per-rank batch \(b), global batch grows with the ranks)"
        }
    }
}
