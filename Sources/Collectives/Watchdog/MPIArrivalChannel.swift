import CMPI

/// The collective watchdog's out-of-band record of where every peer is: each rank sends its
/// progress (step in progress, collectives entered) to every peer with nonblocking sends on a
/// communicator of its own, and keeps one receive posted per peer.
///
/// A waiting rank cannot ask plain MPI who is missing from a collective; with this record it
/// knows each peer's latest progress and when it last heard from it. A stopped or hung process
/// goes silent (its watchdog thread stops too); a live rank on another code path keeps
/// answering but falls behind in collectives entered.
///
/// Used only from the watchdog thread (MPI runs at `MPI_THREAD_MULTIPLE`, so that thread may
/// call MPI while the others are inside collectives). Messages are two `Int64`s, always sent
/// eagerly; a peer that stops receiving holds at most ``maxPendingPerPeer`` of them.
final class MPIArrivalChannel {
    /// One peer's latest report.
    struct Arrival: Equatable {
        var rank: Int
        var step: Int
        var entered: Int
    }

    /// Sends to one peer still unfinished beyond this many are skipped, not queued: a stopped
    /// peer must not make this rank allocate without bound.
    static let maxPendingPerPeer = 16

    private let comm: MPI_Comm
    let rank: Int
    let worldSize: Int
    /// Two `Int64`s per rank: the posted receive's buffer.
    private let receiveBuffers: UnsafeMutablePointer<Int64>
    private var receives: [MPI_Request?]
    private var pending: [[(request: MPI_Request?, buffer: UnsafeMutablePointer<Int64>)]]
    private static let tag: Int32 = 1

    /// Duplicates `communicator`'s group (collective: every rank calls it at the same point).
    init(duplicating communicator: MPICommunicator) {
        var copy: MPI_Comm?
        let code = MPI_Comm_dup(communicator.comm.raw, &copy)
        guard code == ddp_mpi_success(), let copy else {
            communicator.abort(code: 1, message: "MPI_Comm_dup for the collective watchdog failed: \(mpiErrorString(code))")
        }
        MPI_Comm_set_errhandler(copy, ddp_mpi_errors_return())
        comm = copy
        rank = communicator.rank
        worldSize = communicator.worldSize
        receiveBuffers = .allocate(capacity: 2 * worldSize)
        receiveBuffers.initialize(repeating: 0, count: 2 * worldSize)
        receives = Array(repeating: nil, count: worldSize)
        pending = Array(repeating: [], count: worldSize)
        for peer in 0..<worldSize where peer != rank { postReceive(from: peer) }
    }

    /// Sends this rank's progress to every peer (nonblocking).
    func send(step: Int, entered: Int) {
        for peer in 0..<worldSize where peer != rank {
            pending[peer].removeAll { sent in
                var request = sent.request
                var done: Int32 = 0
                MPI_Test(&request, &done, ddp_mpi_status_ignore())
                if done != 0 { sent.buffer.deallocate() }
                return done != 0
            }
            guard pending[peer].count < Self.maxPendingPerPeer else { continue }
            let buffer = UnsafeMutablePointer<Int64>.allocate(capacity: 2)
            buffer[0] = Int64(step)
            buffer[1] = Int64(entered)
            var request: MPI_Request?
            guard MPI_Isend(buffer, 2, ddp_mpi_int64(), Int32(peer), Self.tag, comm, &request) == ddp_mpi_success() else {
                buffer.deallocate()
                continue
            }
            pending[peer].append((request, buffer))
        }
    }

    /// Every report that has arrived since the last call, oldest first per peer.
    func poll() -> [Arrival] {
        var arrivals: [Arrival] = []
        for peer in 0..<worldSize where peer != rank {
            while receives[peer] != nil {
                var done: Int32 = 0
                guard MPI_Test(&receives[peer], &done, ddp_mpi_status_ignore()) == ddp_mpi_success(), done != 0 else { break }
                arrivals.append(Arrival(rank: peer, step: Int(receiveBuffers[2 * peer]),
                                        entered: Int(receiveBuffers[2 * peer + 1])))
                postReceive(from: peer)
            }
        }
        return arrivals
    }

    /// Cancels the posted receives and lets go of the sends. Sends still unfinished (to a peer
    /// that already closed) keep their 16 bytes: freeing a buffer MPI may still read is worse.
    func close() {
        for peer in 0..<worldSize where peer != rank && receives[peer] != nil {
            MPI_Cancel(&receives[peer])
            MPI_Wait(&receives[peer], ddp_mpi_status_ignore())
        }
        for peer in 0..<worldSize {
            for var sent in pending[peer] {
                var done: Int32 = 0
                MPI_Test(&sent.request, &done, ddp_mpi_status_ignore())
                if done != 0 { sent.buffer.deallocate() } else { MPI_Request_free(&sent.request) }
            }
            pending[peer] = []
        }
    }

    private func postReceive(from peer: Int) {
        var request: MPI_Request?
        if MPI_Irecv(receiveBuffers + 2 * peer, 2, ddp_mpi_int64(), Int32(peer), Self.tag, comm, &request) == ddp_mpi_success() {
            receives[peer] = request
        } else {
            receives[peer] = nil
        }
    }
}
