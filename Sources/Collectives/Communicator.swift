/// A group of cooperating processes (ranks) and the collective operations they run together.
///
/// Every data-parallel feature of ddp-train (gradient averaging, SyncBatchNorm, metrics across
/// ranks, checkpoints, replica checks, trace gathering) is written against this protocol. Two
/// implementations exist: ``MPICommunicator`` (real Open MPI under `mpirun`) and
/// ``SingleProcessCommunicator`` (world size 1, no MPI at all). ``makeCommunicator(environment:)``
/// picks the right one.
///
/// ## The rules every caller must keep
///
/// - **Collectives are collective.** Every rank calls the same collectives, in the same order,
///   with matching arguments (same element type, same count where counts must match, same
///   root). Anything else hangs or corrupts data; it is a programmer error, not a user error.
/// - **One thread per communicator at a time.** To run collectives on a background thread while
///   the compute thread issues its own, give the background work its own communicator
///   (``duplicate()``); ``CommunicationQueue`` does exactly that.
/// - **Failures end the job.** A failing MPI call does not return an error: it prints
///   `ddp-train: rank R: <what failed>` and aborts every rank (``abort(code:message:)``),
///   because a rank that carried on alone would leave the others hanging forever.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index in the group, `0 ..< worldSize`.
    var rank: Int { get }

    /// The number of processes in the group.
    var worldSize: Int { get }

    /// The name of the machine this rank runs on (`MPI_Get_processor_name`).
    var hostName: String { get }

    /// Whether a ``CommunicationQueue`` may run this communicator's collectives on its own
    /// thread while the creating thread keeps issuing collectives.
    ///
    /// True for MPI only when the library granted `MPI_THREAD_MULTIPLE`. When false, queues
    /// run each job inline on the submitting thread: results are the same, there is no overlap.
    var supportsOverlap: Bool { get }

    /// Whether every rank runs on this rank's node, where MPI moves data through shared memory
    /// rather than a network (`MPI_COMM_TYPE_SHARED`). The same on every rank.
    var isSingleNode: Bool { get }

    /// Combines `buffer` element-wise across all ranks, in place; every rank gets the result.
    ///
    /// `.sum` is a plain sum, not an average: divide by ``worldSize`` yourself, or use
    /// ``allReduceCompressed(_:precision:)``, which returns the average. Every rank must pass
    /// the same count.
    func allReduce<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, op: ReduceOp)

    /// Averages `buffer` across ranks, in place, sending 16-bit values over the wire.
    ///
    /// Each rank first multiplies its values by `1 / worldSize` (so the sum cannot overflow the
    /// 16-bit range when the inputs fit it), rounds them to `precision` (to nearest, ties to
    /// even), sums them in that precision and widens the result back to `Float`. **The result
    /// is the average, already divided**, unlike `allReduce(_:op: .sum)`. All ranks get the
    /// same bits. With one rank the values still make the round trip through 16 bits, so
    /// numerics match the multi-rank path.
    func allReduceCompressed(_ buffer: UnsafeMutableBufferPointer<Float>, precision: ReducedPrecision)

    /// Copies `buffer` on rank `root` into `buffer` on every other rank.
    ///
    /// Every rank must pass the same count; use ``broadcastBytes(_:root:)`` when only the root
    /// knows the length.
    func broadcast<Element: CommunicatorScalar>(_ buffer: UnsafeMutableBufferPointer<Element>, root: Int)

    /// Returns every rank's `values`, indexed by rank. Every rank must pass the same count.
    func allGather<Element: CommunicatorScalar>(_ values: [Element]) -> [[Element]]

    /// Returns every rank's `bytes`, indexed by rank; lengths may differ between ranks.
    func allGatherBytes(_ bytes: [UInt8]) -> [[UInt8]]

    /// Collects every rank's `bytes` on `root`, indexed by rank; lengths may differ.
    ///
    /// Returns the array of all ranks' bytes on `root` and an empty array elsewhere. Cheaper
    /// than ``allGatherBytes(_:)`` when only one rank needs the data (trace events, reports).
    func gatherBytes(_ bytes: [UInt8], root: Int) -> [[UInt8]]

    /// Returns once every rank has called `barrier()`.
    func barrier()

    /// A new communicator over the same ranks whose collectives never match this one's.
    ///
    /// Collective (every rank must call it). Use it to give a background thread its own
    /// channel; it lives until ``finalize()``.
    func duplicate() -> any Communicator

    /// Prints `ddp-train: rank R: <message>` to standard error and ends every rank of the job
    /// with exit status `code` (`MPI_Abort`; a single process simply exits).
    func abort(code: Int32, message: String) -> Never

    /// Shuts the communication library down. Collective; call it once, after the last
    /// collective, on every rank. Further calls do nothing.
    func finalize()
}
