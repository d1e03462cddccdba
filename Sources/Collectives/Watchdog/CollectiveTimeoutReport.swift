import Foundation

/// What a rank says when a collective has waited longer than `--collective-timeout`: which
/// ranks did not arrive, the step, and the checkpoint to resume from. Pure, so it is tested
/// without MPI.
///
/// A peer did not arrive when it has gone silent (its watchdog stopped answering: the process
/// is stopped, hung in the kernel, or dead) or, still answering, has entered fewer collectives
/// than the furthest rank (it is elsewhere: slower, looping, or on another code path).
public struct CollectiveTimeoutReport: Sendable, Equatable {
    /// One rank as the reporting rank last heard of it.
    public struct Peer: Sendable, Equatable {
        /// The peer's rank.
        public var rank: Int
        /// The step it was in at its last report.
        public var step: Int
        /// Collectives it had entered at its last report.
        public var entered: Int
        /// Seconds since that report (0 for the reporting rank itself).
        public var silentSeconds: Double

        /// A peer as last heard of.
        public init(rank: Int, step: Int, entered: Int, silentSeconds: Double) {
            self.rank = rank
            self.step = step
            self.entered = entered
            self.silentSeconds = silentSeconds
        }
    }

    /// The reporting rank.
    public var rank: Int
    /// Every rank, the reporting one included, indexed by rank.
    public var peers: [Peer]
    /// The collective that waited, and for how long.
    public var collective: String
    /// Seconds the collective had waited when the timeout fired.
    public var waitedSeconds: Double
    /// `--collective-timeout`.
    public var timeout: Double
    /// A peer silent for longer than this is missing.
    public var silenceLimit: Double
    /// The newest complete checkpoint, if any.
    public var checkpoint: String?
    /// The exit status the job ends with.
    public var exitCode: Int32

    /// The report of rank `rank` on the collective that waited.
    public init(rank: Int, peers: [Peer], collective: String, waitedSeconds: Double, timeout: Double,
                silenceLimit: Double, checkpoint: String?, exitCode: Int32) {
        self.rank = rank
        self.peers = peers
        self.collective = collective
        self.waitedSeconds = waitedSeconds
        self.timeout = timeout
        self.silenceLimit = silenceLimit
        self.checkpoint = checkpoint
        self.exitCode = exitCode
    }

    /// The ranks that did not arrive, in rank order.
    public var missing: [Int] {
        let answering = peers.filter { $0.silentSeconds <= silenceLimit }
        let furthest = answering.map(\.entered).max() ?? 0
        return peers.filter { $0.silentSeconds > silenceLimit || $0.entered < furthest }.map(\.rank)
    }

    /// Whether this rank prints the message and ends the job: the lowest rank that did arrive.
    /// The others wait a moment for it (so the user reads one message), then end the job
    /// themselves in case it could not.
    public var isReporter: Bool {
        let missing = Set(self.missing)
        return peers.map(\.rank).first { !missing.contains($0) } == rank
    }

    /// The one line the job ends with (without the `ddp-train: rank R:` prefix).
    public var message: String {
        let step = peers[rank].step
        let names = missing.map { r -> String in
            let p = peers[r]
            let last = p.entered == 0 ? "no report received" : "last in step \(p.step)"
            let why = p.silentSeconds > silenceLimit
                ? "silent for \(Self.format(p.silentSeconds)) s, \(last)"
                : "in step \(p.step), \(peers[rank].entered - p.entered) collective(s) behind"
            return "\(r) (\(why))"
        }
        let who = names.isEmpty
            ? "every rank answers and none is behind (the ranks may be in different collectives)"
            : "rank(s) that did not arrive: " + names.joined(separator: ", ")
        let resume = checkpoint.map { "the last checkpoint is \($0); resume with --resume \($0) (or --resume latest)" }
            ?? "no checkpoint was written; the run restarts from the beginning"
        return "collective timeout: '\(collective)' in step \(step) waited \(Self.format(waitedSeconds)) s "
            + "(--collective-timeout \(Self.format(timeout))); \(who); \(resume). Ending the job (exit \(exitCode))."
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
