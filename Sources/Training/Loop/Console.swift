import Foundation
import Logging
import Reporting

/// Human-facing output of a run: start-up lines, warnings and the summary. Only rank 0 speaks,
/// so a 4-rank job prints each line once; errors are printed by every rank that has one.
///
/// Start-up lines and results are not log lines: they go to standard output as they are, and
/// `--quiet` decides which. Warnings, and the debug and trace lines of `--log-level`, go through
/// ``logger`` to standard error (``RankLogHandler``).
public struct Console {
    /// Whether `--quiet` was given: only warnings and errors are printed.
    public let isQuiet: Bool
    /// Whether this rank prints normal output (rank 0 only).
    public let speaks: Bool
    /// The swift-log logger of this rank (`--log-level`, `info` by default): warnings from rank 0,
    /// debug and trace lines from every rank.
    public let logger: Logger

    /// The console of `rank` of `worldSize`; only rank 0 will print normal output. Log lines
    /// below `logLevel` are dropped.
    public init(rank: Int, quiet: Bool, label: String = "ddp-train", worldSize: Int = 1, logLevel: Logger.Level = .info) {
        isQuiet = quiet
        speaks = rank == 0
        logger = RankLogHandler.logger(label: label, rank: rank, worldSize: worldSize, logLevel: logLevel)
    }

    /// A line of normal output (suppressed by --quiet).
    public func info(_ text: String) {
        guard speaks, !isQuiet else { return }
        print(text)
        // Flush now: when stdout is a pipe (tee, a log collector, mpirun) it is block-buffered,
        // and a user watching a long run should see its start at once.
        fflush(nil)  // nil: every output stream (stdout itself is not concurrency-safe to name)
    }

    /// Output that --quiet keeps: results.
    public func result(_ text: String) {
        guard speaks else { return }
        print(text)
        fflush(nil)  // nil: every output stream (stdout itself is not concurrency-safe to name)
    }

    /// A warning, to standard error as `ddp-train: warning: <text>` (rank 0 only: every rank
    /// would say the same), unless `--log-level` is above `warning`.
    public func warning(_ text: String) {
        guard speaks else { return }
        logger.warning("\(text)")
    }

    /// A `--log-level debug` line from this rank (every rank logs its own), with `metadata` as
    /// ` key=value`; neither is built unless the level shows it.
    public func debug(_ text: @autoclosure () -> String, metadata: @autoclosure () -> Logger.Metadata? = nil) {
        logger.debug("\(text())", metadata: metadata())
    }

    /// A `--log-level trace` line from this rank, built only when the level shows it.
    public func trace(_ text: @autoclosure () -> String) {
        logger.trace("\(text())")
    }
}
