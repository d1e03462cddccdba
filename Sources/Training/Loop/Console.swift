import Foundation
import Logging

/// Human-facing output of a run: start-up lines, warnings and the summary. Only rank 0 speaks,
/// so a 4-rank job prints each line once; errors are printed by every rank that has one.
public struct Console {
    /// Whether `--quiet` was given: only warnings and errors are printed.
    public let isQuiet: Bool
    /// Whether this rank prints normal output (rank 0 only).
    public let speaks: Bool
    /// The swift-log logger the lines go through, at `.warning` when quiet, else `.info`.
    public let logger: Logger

    /// The console of `rank`; only rank 0 will print normal output.
    public init(rank: Int, quiet: Bool, label: String = "ddp-train") {
        isQuiet = quiet
        speaks = rank == 0
        var logger = Logger(label: label)
        logger.logLevel = quiet ? .warning : .info
        self.logger = logger
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

    /// A warning, to standard error.
    public func warning(_ text: String) {
        guard speaks else { return }
        FileHandle.standardError.write(Data("ddp-train: warning: \(text)\n".utf8))
    }
}
