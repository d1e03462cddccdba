import Dispatch

/// Runs collectives on one dedicated thread, in submission order, so that communication
/// overlaps computation (for example, allreduce of finished gradient buckets while backward
/// continues).
///
/// The queue owns a duplicate of the communicator it is given, so its collectives never match
/// those the compute thread issues directly on the original. Since every rank submits the same
/// jobs in the same order (the caller's part of the contract), the single FIFO thread issues
/// them in the same order on every rank.
///
/// When the communicator cannot run collectives on a second thread (``Communicator/supportsOverlap``
/// is false, i.e. MPI granted less than `MPI_THREAD_MULTIPLE`), there is no thread: each job
/// runs inline, inside `submit`, and its handle is already complete. No MPI call ever runs on
/// two threads at once, which keeps `MPI_THREAD_SERIALIZED` and `MPI_THREAD_FUNNELED` correct,
/// at the price of no overlap.
///
/// Creating a queue is collective (it duplicates the communicator). Close it on every rank
/// (``close()``, or by releasing it) before finalizing the communicator.
public final class CommunicationQueue: Sendable {
    /// The queue's own communicator; jobs receive it.
    public let communicator: any Communicator

    private let worker: CommunicationWorker?
    private let sequencer = CommunicationSequencer()

    /// A queue over a duplicate of `communicator`, with its thread started.
    /// - Parameter name: The thread's name, shown by debuggers and `top -H`.
    public init(communicator: any Communicator, name: String = "ddp-comm") {
        self.communicator = communicator.duplicate()
        worker = communicator.supportsOverlap ? CommunicationWorker(name: name) : nil
    }

    deinit {
        worker?.close()
    }

    /// Whether jobs run on the queue's thread (true) or inline in `submit` (false).
    public var isAsynchronous: Bool { worker != nil }

    /// Schedules `job` after every job submitted before it; returns its handle at once.
    ///
    /// The job runs on the queue's thread and receives ``communicator``. It must only run
    /// collectives that every rank submits in the same order, and must not submit to or wait
    /// on this queue (it would wait for itself).
    @discardableResult
    public func submit<Value: Sendable>(
        _ label: String, _ job: @escaping @Sendable (any Communicator) -> Value
    ) -> CommunicationHandle<Value> {
        let communicator = self.communicator
        return sequencer.next { sequence in
            let handle = CommunicationHandle<Value>(label: label, sequence: sequence)
            let run: @Sendable () -> Void = {
                let started = DispatchTime.now().uptimeNanoseconds
                handle.complete(job(communicator), started: started)
            }
            if let worker { worker.enqueue(run) } else { run() }
            return handle
        }
    }

    /// Schedules an in-place ``Communicator/allReduce(_:op:)`` of `buffer`, as one collective
    /// or, with `piece`, as consecutive collectives of at most `piece` elements each.
    ///
    /// `buffer` must stay allocated, and untouched by other threads, until the handle's `wait`
    /// returns.
    @discardableResult
    public func allReduce<Element: CommunicatorScalar>(
        _ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp, label: String = "allreduce", piece: Int? = nil
    ) -> CommunicationHandle<Void> {
        let shared = SharedBuffer(buffer)
        let piece = max(piece ?? buffer.count, 1)
        return submit(label) { communicator in
            var start = 0
            repeat {
                let end = min(start + piece, shared.buffer.count)
                communicator.allReduce(UnsafeMutableBufferPointer(rebasing: shared.buffer[start..<end]), op: op)
                start = end
            } while start < shared.buffer.count
        }
    }

    /// Schedules an in-place ``Communicator/allReduceCompressed(_:precision:)`` of `buffer`
    /// (the result is the average). The same rules as ``allReduce(_:op:label:)`` apply.
    @discardableResult
    public func allReduceCompressed(
        _ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision, label: String = "allreduce"
    ) -> CommunicationHandle<Void> {
        let shared = SharedBuffer(buffer)
        return submit(label) { $0.allReduceCompressed(shared.buffer, precision: precision) }
    }

    /// Waits for every submitted job to finish, then stops the thread. Submitting afterwards
    /// is a programmer error. Further calls do nothing.
    public func close() {
        worker?.close()
    }
}

/// A buffer handed to the queue's thread.
///
/// `@unchecked Sendable`: the submitter promises not to touch the memory until the job's handle
/// has been waited on, which is what makes the hand-over race-free.
private struct SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        self.buffer = buffer
    }
}
