import CMPI

/// The thread support an MPI library granted (`MPI_Init_thread`'s `provided`).
public enum MPIThreadLevel: Int, Sendable, Comparable, CustomStringConvertible {
    /// Only one thread exists.
    case single = 0
    /// Only the thread that initialized MPI calls it.
    case funneled = 1
    /// Any thread calls MPI, never two at once.
    case serialized = 2
    /// Any thread calls MPI at any time: what overlapped allreduce needs.
    case multiple = 3

    /// Maps MPI's constant (whose values the standard leaves to the implementation).
    init(mpiValue: Int32) {
        switch mpiValue {
        case ddp_mpi_thread_multiple(): self = .multiple
        case ddp_mpi_thread_serialized(): self = .serialized
        case ddp_mpi_thread_funneled(): self = .funneled
        default: self = .single
        }
    }

    /// Orders levels by how much threading they allow.
    public static func < (lhs: MPIThreadLevel, rhs: MPIThreadLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// MPI's name for the level, e.g. `MPI_THREAD_MULTIPLE`.
    public var description: String {
        switch self {
        case .single: return "MPI_THREAD_SINGLE"
        case .funneled: return "MPI_THREAD_FUNNELED"
        case .serialized: return "MPI_THREAD_SERIALIZED"
        case .multiple: return "MPI_THREAD_MULTIPLE"
        }
    }
}
