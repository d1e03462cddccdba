import Foundation

/// The communicator of a run with exactly one process: rank 0 of a world of size 1.
///
/// It needs no launcher and never touches MPI, so `ddp-train` run alone starts fast and works on
/// machines without a working MPI setup. Collectives are the identity (an all-reduce over one
/// rank leaves the buffer as it is, a gather returns `[value]`), with one deliberate exception:
/// ``allReduceCompressed(_:precision:)`` still rounds through 16 bits, so a one-process run
/// sees the same numerics as the multi-rank path.
public final class SingleProcessCommunicator: Communicator {
    public let rank = 0
    public let worldSize = 1
    public let hostName: String
    public let supportsOverlap = true
    public let isSingleNode = true

    /// A communicator for this process alone.
    public init() {
        hostName = ProcessInfo.processInfo.hostName
    }

    public func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp) {}

    public func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision) {
        let scratch = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: buffer.count)
        defer { scratch.deallocate() }
        precision.pack(buffer, into: scratch, scale: 1)
        precision.unpack(scratch, into: buffer)
    }

    public func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int) {
        checkRoot(root)
    }

    public func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]] {
        [values]
    }

    public func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] {
        [bytes]
    }

    public func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        checkRoot(root)
        return [bytes]
    }

    public func barrier() {}

    public func duplicate() -> any Communicator {
        SingleProcessCommunicator()
    }

    public func abort(code: Int32, message: String) -> Never {
        reportFatal(rank: rank, message: message)
        exit(code)
    }

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
