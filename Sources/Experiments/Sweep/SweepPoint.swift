import Foundation
import Training

/// One training run of a sweep: its grid values, its rank count and its full configuration.
public struct SweepPoint: Sendable {
    /// One grid dimension's value at this point.
    public struct Assignment: Codable, Equatable, Sendable {
        /// The dimension's name.
        public var name: String
        /// Its value at this point.
        public var value: SweepValue
        /// An assignment from its parts.
        public init(name: String, value: SweepValue) {
            self.name = name
            self.value = value
        }
    }

    /// The directory name under `points/`, built from the grid values (`lr0.1_globalBatchSize16`).
    public var name: String
    /// The grid values, in the grid's dimension order (including `ranks` when swept).
    public var assignments: [Assignment]
    /// MPI processes this point runs on.
    public var ranks: Int
    /// The configuration the point trains with (run directory unset: the sweep passes it).
    public var config: TrainingConfig
    /// `config` as the `--config` file the point is launched with: every field explicit
    /// (unset optionals as null, so nothing falls back to a preset), keys sorted.
    public var configJSON: Data

    /// The learning rate before any `lrScaling`, as written (0.01, not the Float's 0.0099999998).
    public var givenLearningRate: Double { Double(config.lr.description) ?? Double(config.lr) }

    /// The value of grid dimension `name` at this point.
    public func value(of name: String) -> SweepValue? {
        assignments.first { $0.name == name }?.value
    }
}
