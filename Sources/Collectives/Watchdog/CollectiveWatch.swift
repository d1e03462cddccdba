import Foundation

/// What this rank is doing, as the collective watchdog sees it: the collectives in flight on
/// any thread and since when, how many it has entered, the step in progress, and the newest
/// checkpoint to resume from.
///
/// The compute and communication threads write it (through ``WatchedCommunicator`` and the
/// trainer's step boundaries); the watchdog thread reads it. The cost on the writing side is
/// one uncontended lock and a clock read per collective: nothing next to an MPI call.
public final class CollectiveWatch: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is guarded by `lock`.
    private let lock = NSLock()
    private var inFlight: [Int: (name: String, since: UInt64)] = [:]
    private var nextToken = 0
    private var entered = 0
    private var step = 0
    private var checkpoint: String?

    /// What the watchdog reads, all at one instant.
    public struct Snapshot: Sendable {
        /// The oldest collective still in flight, nil when none is.
        public var oldestName: String?
        /// When it began (monotonic nanoseconds, ``CollectiveWatch/now()``).
        public var oldestSince: UInt64 = 0
        /// Collectives entered so far on every thread; equal on every rank between steps.
        public var entered: Int
        /// The optimizer step in progress (0 before training).
        public var step: Int
        /// The newest complete checkpoint, if any.
        public var checkpoint: String?
    }

    /// A watch with no collective in progress, at step 0.
    public init() {}

    /// Marks the start of collective `name`; pass the result to ``end(_:)``.
    public func begin(_ name: String) -> Int {
        let now = CollectiveWatch.now()
        lock.lock()
        defer { lock.unlock() }
        nextToken += 1
        entered += 1
        inFlight[nextToken] = (name, now)
        return nextToken
    }

    /// Marks the end of the collective `token` came from.
    public func end(_ token: Int) {
        lock.lock()
        inFlight[token] = nil
        lock.unlock()
    }

    /// The trainer's heartbeat: optimizer step `step` has begun.
    public func setStep(_ step: Int) {
        lock.lock()
        self.step = step
        lock.unlock()
    }

    /// The newest complete checkpoint (written, or resumed from).
    public func setCheckpoint(_ path: String?) {
        lock.lock()
        checkpoint = path
        lock.unlock()
    }

    /// The current marks, read consistently under the lock.
    public func snapshot() -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        let oldest = inFlight.values.min { $0.since < $1.since }
        return Snapshot(oldestName: oldest?.name, oldestSince: oldest?.since ?? 0, entered: entered, step: step,
                        checkpoint: checkpoint)
    }

    /// Monotonic nanoseconds (never jumps with the wall clock).
    public static func now() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }
}
