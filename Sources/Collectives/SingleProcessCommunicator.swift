import Foundation

/// The communicator of a run with exactly one process: rank 0 of a world of size 1.
///
/// It needs no launcher and never touches MPI, so `ddp-train` run alone starts fast and works on
/// machines without a working MPI setup. Collectives are the identity (an all-reduce over one
/// rank leaves the buffer as it is, a gather returns `[value]`), with one deliberate exception:
/// ``allReduceCompressed(_:precision:)`` still rounds through 16 bits, so a one-process run
/// sees the same numerics as the multi-rank path.
public final class SingleProcessCommunicator: Communicator {
    /// Always 0.
    public let rank = 0
    /// Always 1.
    public let worldSize = 1
    /// This machine's host name.
    public let hostName: String
    /// Always true: queued jobs run on the communication thread, as with `MPI_THREAD_MULTIPLE`.
    public let supportsOverlap = true
    /// Always true: the one rank is on this node.
    public let isSingleNode = true

    /// A communicator for this process alone.
    public init() {
        hostName = ProcessInfo.processInfo.hostName
    }

    /// Leaves the buffer unchanged: the reduction over one rank.
    public func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp) {}

    /// Rounds the buffer through `precision` and back, as the multi-rank path would.
    public func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision) {
        let scratch = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: buffer.count)
        defer { scratch.deallocate() }
        precision.pack(buffer, into: scratch, scale: 1)
        precision.unpack(scratch, into: buffer)
    }

    /// Leaves the buffer unchanged; `root` must be 0.
    public func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int) {
        checkRoot(root)
    }

    /// Returns `[values]`.
    public func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]] {
        [values]
    }

    /// Returns `[bytes]`.
    public func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] {
        [bytes]
    }

    /// Returns `[bytes]`; `root` must be 0.
    public func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        checkRoot(root)
        return [bytes]
    }

    /// Returns at once: there is no one to wait for.
    public func barrier() {}

    /// Another single-process communicator.
    public func duplicate() -> any Communicator {
        SingleProcessCommunicator()
    }

    /// Prints `message` as a fatal error and exits the process with `code`.
    public func abort(code: Int32, message: String) -> Never {
        reportFatal(rank: rank, message: message)
        exit(code)
    }

    /// Does nothing; there is no MPI to shut down.
    public func finalize() {}

    private func checkRoot(_ root: Int) {
        precondition(root == 0, "root \(root) is out of range for a single-process communicator")
    }
}

/// Writes `ddp-train: rank R: <message>` to standard error, after flushing standard output so
/// the message comes last.
func reportFatal(rank: Int, message: String) {
    fflush(nil)
    FileHandle.standardError.write(Data("ddp-train: rank \(rank): \(message)\n".utf8))
}
