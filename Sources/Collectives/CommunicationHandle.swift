import Dispatch
import Foundation

/// The pending result of a job submitted to a ``CommunicationQueue``.
///
/// The submitting (compute) thread keeps working and calls ``wait()`` when it needs the result;
/// for an allreduce, the buffer must not be touched until then.
public final class CommunicationHandle<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` and `timing` are written once by the queue thread and read by
    // waiters, always under `condition`'s lock.

    /// The label given at submission, for warnings and traces.
    public let label: String

    /// The job's position in its queue: 0 for the first job, then 1, 2, ... Ranks that submit
    /// the same jobs in the same order (as they must) give each job the same number.
    public let sequence: Int

    private let condition = NSCondition()
    private var value: Value?
    private var recordedTiming: CommunicationTiming?
    private let submitted: UInt64

    init(label: String, sequence: Int) {
        self.label = label
        self.sequence = sequence
        self.submitted = DispatchTime.now().uptimeNanoseconds
    }

    /// Whether the job has finished.
    public var isCompleted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return value != nil
    }

    /// When the job was submitted, started and finished; nil until it finishes.
    public var timing: CommunicationTiming? {
        condition.lock()
        defer { condition.unlock() }
        return recordedTiming
    }

    /// Blocks until the job has finished and returns its result.
    @discardableResult
    public func wait() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value { return value }
            condition.wait()
        }
    }

    /// Blocks until the job has finished, calling `onStall` once if that takes longer than
    /// `threshold` seconds; returns the job's result.
    ///
    /// The time counts from the call to `wait`, that is the time the caller has been blocked.
    /// `onStall` runs on the calling thread while the job is still pending (it may log a
    /// warning; it must not wait for this queue). A long wait usually means another rank has not
    /// reached the same collective: it is slower, stuck, or took another code path. Which ranks
    /// are missing is not known here: finding out would need the missing ranks to answer.
    @discardableResult
    public func wait(warningAfter threshold: Double, onStall: (CommunicationStall) -> Void) -> Value {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = Date(timeIntervalSinceNow: threshold)
        condition.lock()
        while value == nil && condition.wait(until: deadline) {}
        if let value {
            condition.unlock()
            return value
        }
        condition.unlock()
        let waited = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        onStall(CommunicationStall(label: label, sequence: sequence, waitedSeconds: waited))
        return wait()
    }

    /// Records the result and wakes the waiters; called once, by the queue.
    func complete(_ result: Value, started: UInt64) {
        let finished = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        value = result
        recordedTiming = CommunicationTiming(submitted: submitted, started: started, finished: finished)
        condition.broadcast()
        condition.unlock()
    }
}

/// What ``CommunicationHandle/wait(warningAfter:onStall:)`` reports about a slow job.
public struct CommunicationStall: Sendable, Equatable {
    /// The job's label.
    public var label: String
    /// The job's number in its queue, the same on every rank.
    public var sequence: Int
    /// How long the caller had been waiting, in seconds.
    public var waitedSeconds: Double
}

/// When a queued job was submitted, started on the queue's thread and finished, in nanoseconds
/// of `DispatchTime.now().uptimeNanoseconds` (a monotonic clock).
public struct CommunicationTiming: Sendable, Equatable {
    /// When the job was queued.
    public var submitted: UInt64
    /// When the communication thread began running it.
    public var started: UInt64
    /// When it completed.
    public var finished: UInt64

    /// Time spent waiting behind earlier jobs, in seconds.
    public var queuedSeconds: Double { Double(started - submitted) / 1e9 }
    /// Time the job itself ran, in seconds.
    public var runSeconds: Double { Double(finished - started) / 1e9 }
}
