import Foundation

/// `--collective-timeout`: a thread per rank that ends the job when a collective has waited
/// too long, as PyTorch's process-group timeout does, naming the ranks that did not arrive.
///
/// Without it, a rank that stops answering (`kill -STOP`, a hung file system, a deadlock)
/// leaves the others inside an MPI collective forever: MPI has no timeout, and a dead process
/// is noticed by `mpirun` but a stopped one is not. The watchdog reads the ``CollectiveWatch``
/// that ``WatchedCommunicator`` keeps (every collective, on every thread), and every
/// ``interval`` seconds exchanges its progress with the peers over an ``MPIArrivalChannel``.
/// When the oldest collective in flight has waited longer than the timeout, the lowest rank
/// that did arrive prints one ``CollectiveTimeoutReport`` and calls `MPI_Abort`, which ends
/// every rank with the given exit status.
public final class CollectiveWatchdog: @unchecked Sendable {
    // @unchecked Sendable: `stopping` is guarded by `condition`; the rest is either immutable
    // or used only by the watchdog thread (and by `stop()` after that thread has ended).
    /// The marks of this rank's collectives that the watchdog thread reads.
    public let watch: CollectiveWatch
    /// `--collective-timeout`, seconds.
    public let timeout: Double
    /// How often progress is exchanged and the timeout checked.
    public let interval: Double
    /// A peer silent for longer than this did not arrive.
    public let silenceLimit: Double
    private let exitCode: Int32
    private let base: MPICommunicator
    private let channel: MPIArrivalChannel
    private let condition = NSCondition()
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)
    private var peers: [CollectiveTimeoutReport.Peer]
    private var heardAt: [UInt64]
    private var firstTimeout: UInt64?
    private var lastTick = CollectiveWatch.now()

    /// Watches `communicator`'s collectives when it is MPI with more than one rank.
    /// Collective: every rank calls it at the same point (it duplicates the communicator).
    /// - Returns: the communicator to use from now on (watched) and the watchdog to stop before
    ///   finalizing; the communicator unchanged and nil when there is nothing to watch.
    public static func start(_ communicator: any Communicator, timeout: Double,
                             exitCode: Int32) -> (communicator: any Communicator, watchdog: CollectiveWatchdog?) {
        guard communicator.worldSize > 1, let mpi = communicator as? MPICommunicator, mpi.supportsOverlap else {
            return (communicator, nil)
        }
        let watchdog = CollectiveWatchdog(mpi, timeout: timeout, exitCode: exitCode)
        return (WatchedCommunicator(mpi, watch: watchdog.watch), watchdog)
    }

    private init(_ base: MPICommunicator, timeout: Double, exitCode: Int32) {
        self.base = base
        self.timeout = timeout
        self.exitCode = exitCode
        interval = min(0.5, timeout / 10)
        silenceLimit = max(4 * interval, 2)
        watch = CollectiveWatch()
        channel = MPIArrivalChannel(duplicating: base)
        peers = (0..<base.worldSize).map { .init(rank: $0, step: 0, entered: 0, silentSeconds: 0) }
        heardAt = Array(repeating: CollectiveWatch.now(), count: base.worldSize)
        let thread = Thread { [self] in
            Thread.current.name = "collective watchdog"
            run()
            stopped.signal()
        }
        thread.start()
    }

    /// Ends the thread and releases the channel. Call once, before `finalize()`, on every rank.
    public func stop() {
        condition.lock()
        let already = stopping
        stopping = true
        condition.signal()
        condition.unlock()
        guard !already else { return }
        stopped.wait()
        channel.close()
    }

    private func run() {
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
            let done = stopping
            condition.unlock()
            if done { return }
            tick()
        }
    }

    /// One round: read the peers' reports, send ours, and check the oldest collective.
    private func tick() {
        let now = CollectiveWatch.now()
        defer { lastTick = now }
        // After a gap in our own ticks this process was not running (stopped, then continued,
        // as mpirun does before it kills a job): its view of the peers is stale, and it is the
        // one that went missing. Refresh the view before judging anyone.
        let paused = Double(now - min(lastTick, now)) / 1e9 > silenceLimit
        for arrival in channel.poll() {
            peers[arrival.rank].step = arrival.step
            peers[arrival.rank].entered = arrival.entered
            heardAt[arrival.rank] = now
        }
        let snapshot = watch.snapshot()
        channel.send(step: snapshot.step, entered: snapshot.entered)
        guard let name = snapshot.oldestName, now > snapshot.oldestSince else { firstTimeout = nil; return }
        let waited = Double(now - snapshot.oldestSince) / 1e9
        guard waited > timeout else { firstTimeout = nil; return }
        guard !paused else { return }
        var all = peers
        for r in all.indices { all[r].silentSeconds = Double(now - min(heardAt[r], now)) / 1e9 }
        all[base.rank] = .init(rank: base.rank, step: snapshot.step, entered: snapshot.entered, silentSeconds: 0)
        let report = CollectiveTimeoutReport(rank: base.rank, peers: all, collective: name, waitedSeconds: waited,
                                             timeout: timeout, silenceLimit: silenceLimit,
                                             checkpoint: snapshot.checkpoint, exitCode: exitCode)
        // One message: the reporter speaks; the others give it a moment before ending the job
        // themselves, in case it cannot (it may be the one that is stuck after all).
        let grace = UInt64((2 + 3 * interval) * 1e9)
        if report.isReporter || now - (firstTimeout ?? now) > grace {
            base.abort(code: exitCode, message: report.message)
        }
        if firstTimeout == nil { firstTimeout = now }
    }
}
