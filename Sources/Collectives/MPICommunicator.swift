import CMPI
import Foundation

/// A communicator over Open MPI: `MPI_COMM_WORLD`, or a duplicate of it.
///
/// Create it with ``init()`` once per process, at start, and call ``finalize()`` once, at exit.
/// Under `mpirun` it joins the launched job; run alone it initializes MPI as a singleton
/// (world size 1), which works but spawns a helper daemon: ``makeCommunicator(environment:)``
/// avoids that by using ``SingleProcessCommunicator`` when the process was not launched by MPI.
///
/// MPI is initialized with `MPI_Init_thread` asking for `MPI_THREAD_MULTIPLE`, so that a
/// ``CommunicationQueue`` can allreduce on its own thread while the compute thread works. When
/// the library grants less (see ``threadLevel``), ``supportsOverlap`` is false and queues run
/// their jobs inline on the submitting thread: correct, but without overlap. Under
/// `MPI_THREAD_FUNNELED` that thread must be the one that created this communicator.
///
/// Errors on the world communicator are set to `MPI_ERRORS_RETURN`, so a failing MPI call comes
/// back to Swift, which ends the job with ``abort(code:message:)`` and a message that names the
/// call, instead of Open MPI's generic error-handler output.
public final class MPICommunicator: Communicator {
    /// This process's rank in `MPI_COMM_WORLD` (or its duplicate).
    public let rank: Int
    /// The number of ranks.
    public let worldSize: Int
    /// The node this rank runs on (`MPI_Get_processor_name`).
    public let hostName: String

    /// The thread support MPI granted.
    public let threadLevel: MPIThreadLevel

    /// Whether MPI granted `MPI_THREAD_MULTIPLE`, which a communication thread needs.
    public var supportsOverlap: Bool { threadLevel == .multiple }

    /// Whether every rank shares this node (from `MPI_Comm_split_type` with `MPI_COMM_TYPE_SHARED`).
    public let isSingleNode: Bool

    /// Internal, not private: the collective watchdog duplicates it for its arrival channel.
    let comm: MPICommHandle
    private let ops: MPIReductionOps

    /// Initializes MPI if this process has not yet, and returns the world communicator.
    ///
    /// Calling it again later returns another communicator over `MPI_COMM_WORLD` without
    /// initializing twice.
    /// - Throws: ``CommunicatorError`` when MPI cannot start or was already finalized.
    public convenience init() throws {
        var initialized: Int32 = 0
        var finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        if finalized != 0 { throw CommunicatorError.alreadyFinalized }
        var provided: Int32 = 0
        if initialized == 0 {
            let code = MPI_Init_thread(nil, nil, ddp_mpi_thread_multiple(), &provided)
            guard code == ddp_mpi_success() else {
                throw CommunicatorError.initializationFailed(code: code, message: mpiErrorString(code))
            }
        } else {
            try checkSetup(MPI_Query_thread(&provided), "MPI_Query_thread")
        }
        guard let world = ddp_mpi_comm_world() else {
            throw CommunicatorError.setupFailed(call: "MPI_COMM_WORLD", message: "the world communicator is null")
        }
        try checkSetup(MPI_Comm_set_errhandler(world, ddp_mpi_errors_return()), "MPI_Comm_set_errhandler")
        var nodeRanks: Int32 = 0
        try checkSetup(ddp_mpi_node_local_size(world, &nodeRanks), "MPI_Comm_split_type")
        var worldRanks: Int32 = 0
        try checkSetup(MPI_Comm_size(world, &worldRanks), "MPI_Comm_size")
        try self.init(comm: world, ops: MPIReductionOps(), threadLevel: MPIThreadLevel(mpiValue: provided),
                      isSingleNode: nodeRanks == worldRanks)
    }

    private init(comm raw: MPI_Comm, ops: MPIReductionOps, threadLevel: MPIThreadLevel, isSingleNode: Bool) throws {
        var rank: Int32 = 0
        var size: Int32 = 0
        try checkSetup(MPI_Comm_rank(raw, &rank), "MPI_Comm_rank")
        try checkSetup(MPI_Comm_size(raw, &size), "MPI_Comm_size")
        var name = [CChar](repeating: 0, count: Int(MPI_MAX_PROCESSOR_NAME) + 1)
        var length: Int32 = 0
        try checkSetup(MPI_Get_processor_name(&name, &length), "MPI_Get_processor_name")
        self.rank = Int(rank)
        self.worldSize = Int(size)
        self.hostName = String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.comm = MPICommHandle(raw)
        self.ops = ops
        self.threadLevel = threadLevel
        self.isSingleNode = isSingleNode
    }

    // MARK: Collectives

    /// An in-place `MPI_Allreduce` of `buffer` with `op`. Collective.
    public func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp) {
        let type = Element.communicatorKind.mpiDatatype
        forEachChunk(of: buffer) { start, count in
            check(MPI_Allreduce(ddp_mpi_in_place(), start, count, type, op.mpiOp, comm.raw), "MPI_Allreduce")
        }
    }

    /// An in-place sum of `buffer` sent as 16-bit values (fp16 or bf16) with a user-defined `MPI_Op`. Collective.
    public func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision) {
        let scratch = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: buffer.count)
        defer { scratch.deallocate() }
        precision.pack(buffer, into: scratch, scale: 1 / Float(worldSize))
        let sum = ops.sum(for: precision)
        forEachChunk(of: scratch) { start, count in
            check(MPI_Allreduce(ddp_mpi_in_place(), start, count, ddp_mpi_uint16(), sum, comm.raw),
                  "MPI_Allreduce (\(precision.rawValue))")
        }
        precision.unpack(scratch, into: buffer)
    }

    /// An in-place `MPI_Bcast` of `buffer` from `root`. Collective.
    public func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int) {
        checkRoot(root)
        let type = Element.communicatorKind.mpiDatatype
        forEachChunk(of: buffer) { start, count in
            check(MPI_Bcast(start, count, type, Int32(root), comm.raw), "MPI_Bcast")
        }
    }

    /// Every rank's `values`, in rank order (`MPI_Allgatherv`). Collective.
    public func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]] {
        guard !values.isEmpty else { return Array(repeating: [], count: worldSize) }
        let count = mpiCount(values.count, "allGather")
        let total = values.count * worldSize
        mpiCount(total, "allGather")
        let type = Element.communicatorKind.mpiDatatype
        let gathered = [Element](unsafeUninitializedCapacity: total) { output, initialized in
            values.withUnsafeBufferPointer { input in
                check(MPI_Allgather(input.baseAddress, count, type, output.baseAddress, count, type, comm.raw),
                      "MPI_Allgather")
            }
            initialized = total
        }
        return (0..<worldSize).map { Array(gathered[$0 * values.count ..< ($0 + 1) * values.count]) }
    }

    /// Every rank's bytes, in rank order, whatever their lengths. Collective.
    public func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]] {
        let lengths = allGather([Int64(bytes.count)]).map { Int($0[0]) }
        let (counts, displacements, total) = layout(lengths, "allGatherBytes")
        var gathered = [UInt8](repeating: 0, count: max(total, 1))
        withSendBuffer(bytes) { send in
            gathered.withUnsafeMutableBufferPointer { receive in
                check(MPI_Allgatherv(send, Int32(bytes.count), ddp_mpi_uint8(), receive.baseAddress, counts,
                                     displacements, ddp_mpi_uint8(), comm.raw), "MPI_Allgatherv")
            }
        }
        return split(gathered, lengths)
    }

    /// Every rank's bytes on `root` (empty arrays elsewhere). Collective.
    public func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]] {
        checkRoot(root)
        var length = Int64(bytes.count)
        var lengths = [Int64](repeating: 0, count: rank == root ? worldSize : 1)
        check(MPI_Gather(&length, 1, ddp_mpi_int64(), &lengths, 1, ddp_mpi_int64(), Int32(root), comm.raw),
              "MPI_Gather")
        let sizes = rank == root ? lengths.map { Int($0) } : []
        let (counts, displacements, total) = layout(sizes, "gatherBytes")
        var gathered = [UInt8](repeating: 0, count: max(total, 1))
        withSendBuffer(bytes) { send in
            gathered.withUnsafeMutableBufferPointer { receive in
                check(MPI_Gatherv(send, Int32(bytes.count), ddp_mpi_uint8(), receive.baseAddress, counts,
                                  displacements, ddp_mpi_uint8(), Int32(root), comm.raw), "MPI_Gatherv")
            }
        }
        return rank == root ? split(gathered, sizes) : []
    }

    /// `MPI_Barrier`. Collective.
    public func barrier() {
        check(MPI_Barrier(comm.raw), "MPI_Barrier")
    }

    /// A communicator over the same ranks whose collectives never match this one's (`MPI_Comm_dup`), for the communication thread. Collective.
    public func duplicate() -> any Communicator {
        var copy: MPI_Comm?
        check(MPI_Comm_dup(comm.raw, &copy), "MPI_Comm_dup")
        guard let copy else { abort(code: 1, message: "MPI_Comm_dup returned no communicator") }
        do {
            return try MPICommunicator(comm: copy, ops: ops, threadLevel: threadLevel, isSingleNode: isSingleNode)
        } catch {
            abort(code: 1, message: "setting up a duplicated communicator failed: \(error)")
        }
    }

    // MARK: Lifetime

    /// Prints `message` naming this rank and ends every rank of the job (`MPI_Abort`).
    public func abort(code: Int32, message: String) -> Never {
        // One thread ends the job; any other that gets here meanwhile waits for the end.
        guard JobEnding.begin() else { JobEnding.park() }
        reportFatal(rank: rank, message: message)
        var initialized: Int32 = 0
        var finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        if initialized != 0 && finalized == 0 {
            MPI_Abort(ddp_mpi_comm_world(), code)
        }
        exit(code)  // MPI_Abort does not return; this covers MPI being down already.
    }

    /// `MPI_Finalize`, once, at the end of the process.
    public func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        guard finalized == 0 else { return }
        ops.free()
        check(MPI_Finalize(), "MPI_Finalize")
    }

    // MARK: Helpers

    /// Ends the job when an MPI call failed; see ``Communicator`` for why errors do not return.
    private func check(_ code: Int32, _ call: @autoclosure () -> String) {
        // A call that returns while another thread ends the job must not let its thread go on.
        if JobEnding.isEnding { JobEnding.park() }
        guard code != ddp_mpi_success() else { return }
        abort(code: 1, message: "\(call()) failed on \(hostName): \(mpiErrorString(code)); ending all ranks")
    }

    private func checkRoot(_ root: Int) {
        precondition((0..<worldSize).contains(root), "root \(root) is out of range for world size \(worldSize)")
    }

    /// Converts a count to MPI's `int`, ending the job when it does not fit.
    @discardableResult
    private func mpiCount(_ count: Int, _ what: String) -> Int32 {
        guard let narrow = Int32(exactly: count) else {
            abort(code: 1, message: "\(what): \(count) elements exceed MPI's limit of \(Int32.max) per call")
        }
        return narrow
    }

    /// Runs `body` over pieces of `buffer` small enough for MPI's `int` counts.
    private func forEachChunk<Element>(of buffer: UnsafeMutableBufferPointer<Element>,
                                       _ body: (UnsafeMutablePointer<Element>, Int32) -> Void) {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, Int(Int32.max))
            body(base + offset, Int32(count))
            offset += count
        }
    }

    /// Counts and displacements for a variable-length gather, as MPI's `int` arrays.
    private func layout(_ lengths: [Int], _ what: String) -> (counts: [Int32], displacements: [Int32], total: Int) {
        var displacements = [Int32]()
        var total = 0
        for length in lengths {
            displacements.append(mpiCount(total, what))
            total += length
        }
        mpiCount(total, what)
        return (lengths.map { mpiCount($0, what) }, displacements, total)
    }

    /// Calls `body` with a non-null pointer to `bytes` (MPI dislikes null buffers, even empty).
    private func withSendBuffer(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>?) -> Void) {
        let padded = bytes.isEmpty ? [0] : bytes
        padded.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    private func split(_ gathered: [UInt8], _ lengths: [Int]) -> [[UInt8]] {
        var offset = 0
        return lengths.map { length in
            defer { offset += length }
            return Array(gathered[offset ..< offset + length])
        }
    }
}
