/// A communicator that tells a ``CollectiveWatch`` when each collective starts and ends, so
/// the ``CollectiveWatchdog`` can see one that waits too long (`--collective-timeout`).
///
/// It wraps every collective of another communicator, on whichever thread calls it; its
/// ``duplicate()`` is watched too, so the communication thread's gradient allreduces are
/// covered as well as the compute thread's collectives.
public final class WatchedCommunicator: Communicator {
    public let base: any Communicator
    public let watch: CollectiveWatch

    public init(_ base: any Communicator, watch: CollectiveWatch) {
        self.base = base
        self.watch = watch
    }

    public var rank: Int { base.rank }
    public var worldSize: Int { base.worldSize }
    public var hostName: String { base.hostName }
    public var supportsOverlap: Bool { base.supportsOverlap }
    public var isSingleNode: Bool { base.isSingleNode }

    /// Runs `body` between the watch's begin and end marks.
    @inline(__always)
    private func watched<T>(_ name: String, _ body: () -> T) -> T {
        let token = watch.begin(name)
        defer { watch.end(token) }
        return body()
    }

    public func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp) {
        watched("allreduce") { base.allReduce(buffer, op: op) }
    }

    public func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision) {
        watched("allreduce (\(precision.rawValue))") { base.allReduceCompressed(buffer, precision: precision) }
    }

    public func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int) {
        watched("broadcast") { base.broadcast(buffer, root: root) }
    }

    public func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]] {
        watched("allgather") { base.allGather(values) }
    }

    public func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] {
        watched("allgather") { base.allGatherBytes(bytes) }
    }

    public func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        watched("gather") { base.gatherBytes(bytes, root: root) }
    }

    public func barrier() {
        watched("barrier") { base.barrier() }
    }

    public func duplicate() -> any Communicator {
        WatchedCommunicator(watched("communicator duplicate") { base.duplicate() }, watch: watch)
    }

    public func abort(code: Int32, message: String) -> Never {
        base.abort(code: code, message: message)
    }

    public func finalize() {
        base.finalize()
    }
}
