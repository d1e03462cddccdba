/// A communicator that tells a ``CollectiveWatch`` when each collective starts and ends, so
/// the ``CollectiveWatchdog`` can see one that waits too long (`--collective-timeout`).
///
/// It wraps every collective of another communicator, on whichever thread calls it; its
/// ``duplicate()`` is watched too, so the communication thread's gradient allreduces are
/// covered as well as the compute thread's collectives.
public final class WatchedCommunicator: Communicator {
    /// The communicator whose collectives are watched.
    public let base: any Communicator
    /// Where each collective's start and end are marked.
    public let watch: CollectiveWatch

    /// Watches every collective of `base` in `watch`.
    public init(_ base: any Communicator, watch: CollectiveWatch) {
        self.base = base
        self.watch = watch
    }

    /// `base`'s rank.
    public var rank: Int { base.rank }
    /// `base`'s world size.
    public var worldSize: Int { base.worldSize }
    /// `base`'s host name.
    public var hostName: String { base.hostName }
    /// Whether `base` allows a communication thread.
    public var supportsOverlap: Bool { base.supportsOverlap }
    /// Whether all of `base`'s ranks share a node.
    public var isSingleNode: Bool { base.isSingleNode }

    /// Runs `body` between the watch's begin and end marks.
    @inline(__always)
    private func watched<T>(_ name: String, _ body: () -> T) -> T {
        let token = watch.begin(name)
        defer { watch.end(token) }
        return body()
    }

    /// `base`'s allreduce, marked as one collective.
    public func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp) {
        watched("allreduce") { base.allReduce(buffer, op: op) }
    }

    /// `base`'s 16-bit allreduce, marked as one collective.
    public func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision) {
        watched("allreduce (\(precision.rawValue))") { base.allReduceCompressed(buffer, precision: precision) }
    }

    /// `base`'s broadcast, marked as one collective.
    public func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int) {
        watched("broadcast") { base.broadcast(buffer, root: root) }
    }

    /// `base`'s allgather, marked as one collective.
    public func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]] {
        watched("allgather") { base.allGather(values) }
    }

    /// `base`'s byte allgather, marked as one collective.
    public func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] {
        watched("allgather") { base.allGatherBytes(bytes) }
    }

    /// `base`'s byte gather, marked as one collective.
    public func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        watched("gather") { base.gatherBytes(bytes, root: root) }
    }

    /// `base`'s barrier, marked as one collective.
    public func barrier() {
        watched("barrier") { base.barrier() }
    }

    /// A watched duplicate of `base` (the communication thread's), sharing this watch.
    public func duplicate() -> any Communicator {
        WatchedCommunicator(watched("communicator duplicate") { base.duplicate() }, watch: watch)
    }

    /// Ends the whole job through `base` (not a collective: nothing waits for it).
    public func abort(code: Int32, message: String) -> Never {
        base.abort(code: code, message: message)
    }

    /// Finalizes `base`.
    public func finalize() {
        base.finalize()
    }
}
