import Collectives
import Foundation
import Logging
import Reporting

/// Prints a warning when a rank has waited too long in a gradient allreduce
/// (`--stall-warning-seconds`, default 60), as Horovod's stall check does.
///
/// Every rank that waits prints its own line, prefixed with its rank, naming the collective
/// (label and number in the gradient queue, which are the same on every rank) and the step.
/// Which ranks have **not** arrived is not something a waiting rank can find out with plain
/// MPI: a collective gives no sign of who is missing until it completes, and asking the others
/// would need them to answer while they are busy elsewhere. The warning says so, and points at
/// what can be read instead: every rank that waits prints this line, so the ranks that did not
/// print it are the late ones.
///
/// The line is written as it always was, not through the run's logger: it names its rank in its
/// text on every rank (`ddp-train: warning: rank 1: …`), where ``RankLogHandler`` would label
/// other ranks' warnings a second time. It does follow `--log-level`: above `warning`, nothing.
public struct StallReporter: Sendable {
    /// This rank.
    public let rank: Int
    /// The number of ranks.
    public let worldSize: Int
    /// The run's `--log-level`: warnings are printed unless it is above `warning`.
    public let logLevel: Logger.Level

    /// A reporter for `rank` of `worldSize`, printing unless `logLevel` is above `warning`.
    public init(rank: Int, worldSize: Int, logLevel: Logger.Level = .info) {
        self.rank = rank
        self.worldSize = worldSize
        self.logLevel = logLevel
    }

    /// The warning line for `stall` during optimizer step `step`.
    public func message(_ stall: CommunicationStall, step: Int) -> String {
        message(collective: stall.label, sequence: stall.sequence, waitedSeconds: stall.waitedSeconds, step: step)
    }

    /// The warning line for collective `label`, number `sequence` in the gradient queue, which
    /// has kept this rank waiting `waitedSeconds` during optimizer step `step`.
    public func message(collective label: String, sequence: Int, waitedSeconds: Double, step: Int) -> String {
        let waited = String(format: "%.1f", waitedSeconds)
        return "ddp-train: warning: rank \(rank): collective '\(label)' (#\(sequence) on the gradient queue, "
            + "step \(step)) has waited \(waited) s for the other ranks. The ranks that have not arrived are the ones "
            + "that print no such line for step \(step) (MPI cannot tell a waiting rank who is missing); "
            + "they may be slower, stuck, or on another code path. The run goes on waiting."
    }

    /// Writes the warning to standard error at once (unbuffered, one `write(2)`), so it shows
    /// even if the job is killed while still stuck; nothing when `logLevel` is above `warning`.
    public func report(_ stall: CommunicationStall, step: Int) {
        guard logLevel <= .warning else { return }
        RankLogHandler.writeToStandardError(message(stall, step: step) + "\n")
    }
}
