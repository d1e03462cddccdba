import Foundation
import Training

/// One architecture of a study: a point of its `--grid` (the base configuration with the
/// grid's values laid over it) and the ranks its trials run on.
public struct CriticalBatchArchitecture: Sendable {
    /// A file-system-safe name from the grid values (`activationsigmoid`), `base` without a grid.
    public var name: String
    /// The grid values that make it.
    public var assignments: [SweepPoint.Assignment]
    /// The MPI processes each of its trials runs on.
    public var ranks: Int
    /// Its configuration before a trial sets the batch, learning rate and seed.
    public var config: TrainingConfig

    /// The architectures of `grid` over `base`, checked as a sweep checks its points.
    public static func expand(base: TrainingConfig, grid: SweepGrid) throws -> [CriticalBatchArchitecture] {
        for name in ["lr", "globalBatchSize", "batchSize", "seed"] where grid.dimension(name) != nil {
            throw SweepError("--grid \(name): critical-batch sets the \(name == "lr" ? "learning rate (it tunes it per batch)" : name == "seed" ? "seeds itself (--seeds)" : "batch itself (--batch-sizes)"); "
                + "grid over architectures instead, e.g. --grid activation=sigmoid,relu")
        }
        return try SweepPlan(base: base, grid: grid).points.map {
            CriticalBatchArchitecture(name: $0.name, assignments: $0.assignments, ranks: $0.ranks, config: $0.config)
        }
    }
}
