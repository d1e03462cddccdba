import Collectives
import Foundation
import XCTest

/// The communication thread: order, results, inline fallback and stall reports.
final class CommunicatorTestsQueue: XCTestCase {
    func testJobsRunInSubmissionOrderAndReturnResults() {
        let queue = CommunicationQueue(communicator: SingleProcessCommunicator())
        let log = Log<Int>()
        let handles = (0..<200).map { job in
            queue.submit("job \(job)") { _ -> Int in
                log.append(job)
                return job * job
            }
        }
        XCTAssertEqual(handles.last?.wait(), 199 * 199)
        XCTAssertEqual(log.values, Array(0..<200))
        XCTAssertTrue(handles.allSatisfy(\.isCompleted))
        XCTAssertEqual(handles.map { $0.wait() }, (0..<200).map { $0 * $0 })
        XCTAssertEqual(handles.map(\.sequence), Array(0..<200))
        XCTAssertEqual(handles[3].label, "job 3")
        let timing = handles[7].timing
        XCTAssertNotNil(timing)
        if let timing {
            XCTAssertLessThanOrEqual(timing.submitted, timing.started)
            XCTAssertLessThanOrEqual(timing.started, timing.finished)
        }
        queue.close()
    }

    func testJobsRunOnTheQueueThreadWithItsOwnCommunicator() {
        let original = SingleProcessCommunicator()
        let queue = CommunicationQueue(communicator: original, name: "ddp-comm-test")
        XCTAssertTrue(queue.isAsynchronous)
        XCTAssertFalse(queue.communicator === original)
        let caller = pthread_self()
        let (threadName, sameThread, sameCommunicator) = queue.submit("where") { comm in
            (Thread.current.name, pthread_equal(pthread_self(), caller) != 0, comm === queue.communicator)
        }.wait()
        XCTAssertEqual(threadName, "ddp-comm-test")
        XCTAssertFalse(sameThread)
        XCTAssertTrue(sameCommunicator)
    }

    /// Without overlap support (MPI below MPI_THREAD_MULTIPLE), jobs run inside `submit`.
    func testJobsRunInlineWhenTheCommunicatorCannotOverlap() {
        let queue = CommunicationQueue(communicator: NoOverlapCommunicator())
        XCTAssertFalse(queue.isAsynchronous)
        let caller = pthread_self()
        let handle = queue.submit("inline") { _ in pthread_equal(pthread_self(), caller) != 0 }
        XCTAssertTrue(handle.isCompleted)
        XCTAssertTrue(handle.wait())
    }

    /// A piece size splits one allreduce into consecutive collectives that cover the buffer
    /// exactly once, in order; without one the buffer goes whole.
    func testAllReduceInPiecesCoversTheBufferInOrder() {
        let calls = Log<[Float]>()
        let queue = CommunicationQueue(communicator: NoOverlapCommunicator(calls: calls))
        var values = (0..<10).map(Float.init)
        values.withUnsafeMutableBufferPointer { buffer in
            queue.allReduce(buffer, op: .sum, piece: 4).wait()
            queue.allReduce(buffer, op: .sum).wait()
            queue.allReduce(buffer, op: .sum, piece: 10).wait()
        }
        XCTAssertEqual(calls.values, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], Array(0..<10).map(Float.init),
                                      Array(0..<10).map(Float.init)])
    }

    func testQueuedAllReducesWorkInPlace() {
        let queue = CommunicationQueue(communicator: SingleProcessCommunicator())
        var exact: [Float] = [1, 2, 3]
        var compressed: [Float] = [1, 1 + 0x1p-11, 70_000]
        exact.withUnsafeMutableBufferPointer { buffer in
            queue.allReduce(buffer, op: .sum, label: "bucket 0").wait()
        }
        compressed.withUnsafeMutableBufferPointer { buffer in
            queue.allReduceCompressed(buffer, precision: .fp16, label: "bucket 1").wait()
        }
        XCTAssertEqual(exact, [1, 2, 3])
        XCTAssertEqual(compressed, [1, 1, .infinity])
    }

    func testCloseWaitsForPendingJobs() {
        let queue = CommunicationQueue(communicator: SingleProcessCommunicator())
        let log = Log<Int>()
        for job in 0..<50 {
            queue.submit("job \(job)") { _ in log.append(job) }
        }
        queue.close()
        XCTAssertEqual(log.values, Array(0..<50))
        queue.close()  // a second close does nothing
    }

    /// The job cannot finish until the stall callback has fired, so the callback must fire,
    /// and exactly once, however fast or slow the machine is.
    func testStallCallbackFiresOnceForAJobPastTheThreshold() {
        let queue = CommunicationQueue(communicator: SingleProcessCommunicator())
        let release = DispatchSemaphore(value: 0)
        let handle = queue.submit("bucket 5") { _ in
            release.wait(timeout: .now() + 60) == .success
        }
        var stalls: [CommunicationStall] = []
        let released = handle.wait(warningAfter: 0.01) { stall in
            stalls.append(stall)
            release.signal()
        }
        XCTAssertTrue(released, "the job finished without the stall callback releasing it")
        XCTAssertEqual(stalls.count, 1)
        XCTAssertEqual(stalls.first?.label, "bucket 5")
        XCTAssertEqual(stalls.first?.sequence, 0)
        XCTAssertGreaterThanOrEqual(stalls.first?.waitedSeconds ?? 0, 0.01)
    }

    func testNoStallCallbackForAFinishedJob() {
        let queue = CommunicationQueue(communicator: SingleProcessCommunicator())
        let handle = queue.submit("done") { _ in 5 }
        handle.wait()
        var stalls = 0
        XCTAssertEqual(handle.wait(warningAfter: 0) { _ in stalls += 1 }, 5)
        XCTAssertEqual(stalls, 0)
    }
}

/// A thread-safe list for jobs to append to.
private final class Log<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Value] = []

    func append(_ value: Value) {
        lock.withLock { entries.append(value) }
    }

    var values: [Value] { lock.withLock { entries } }
}

/// A single-process communicator that claims it cannot run collectives on a second thread,
/// like MPI below `MPI_THREAD_MULTIPLE`.
private final class NoOverlapCommunicator: Communicator {
    private let base = SingleProcessCommunicator()
    /// Every Float allreduce's input, in call order (shared with duplicates).
    let calls: Log<[Float]>
    init(calls: Log<[Float]> = Log()) { self.calls = calls }
    var rank: Int { base.rank }
    var worldSize: Int { base.worldSize }
    var hostName: String { base.hostName }
    var supportsOverlap: Bool { false }
    var isSingleNode: Bool { true }

    func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp) {
        if let floats = buffer as? UnsafeMutableBufferPointer<Float> { calls.append(Array(floats)) }
        base.allReduce(buffer, op: op)
    }

    func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision) {
        base.allReduceCompressed(buffer, precision: precision)
    }

    func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int) {
        base.broadcast(buffer, root: root)
    }

    func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]] { base.allGather(values) }
    func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] { base.allGatherBytes(bytes) }
    func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]] { base.gatherBytes(bytes, root: root) }
    func barrier() {}
    func duplicate() -> any Communicator { NoOverlapCommunicator(calls: calls) }
    func abort(code: Int32, message: String) -> Never { base.abort(code: code, message: message) }
    func finalize() {}
}
