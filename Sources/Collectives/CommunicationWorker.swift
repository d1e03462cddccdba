import Foundation

/// The thread behind a ``CommunicationQueue``: runs jobs one at a time, first in, first out.
///
/// A plain `Thread` rather than a dispatch queue: the job may block inside MPI for a long time,
/// and a dedicated thread keeps that from occupying a shared pool thread, and keeps "which
/// thread calls MPI" fixed.
final class CommunicationWorker: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0
    private var closing = false
    private let stopped = DispatchSemaphore(value: 0)

    init(name: String) {
        // Named from inside: swift-corelibs-foundation does not apply a name set before start.
        let thread = Thread { [self] in
            Thread.current.name = name
            run()
        }
        thread.start()
    }

    /// Appends `job`; it runs after all jobs appended before it.
    func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        precondition(!closing, "CommunicationQueue: job submitted after close()")
        jobs.append(job)
        condition.signal()
    }

    /// Lets the pending jobs finish, then ends the thread and returns.
    func close() {
        condition.lock()
        let alreadyClosing = closing
        closing = true
        condition.signal()
        condition.unlock()
        if !alreadyClosing {
            stopped.wait()
        }
    }

    private func run() {
        while let job = take() {
            job()
        }
        stopped.signal()
    }

    /// The next job, waiting for one; nil once closing and drained.
    private func take() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while next == jobs.count && !closing {
            condition.wait()
        }
        guard next < jobs.count else { return nil }
        let job = jobs[next]
        next += 1
        if next == jobs.count {  // drained: drop finished closures and their captures
            jobs.removeAll(keepingCapacity: true)
            next = 0
        }
        return job
    }
}
