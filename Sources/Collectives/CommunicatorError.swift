/// Why a communicator could not be created.
///
/// Failures of collectives are not errors: they abort the whole job (see ``Communicator``).
public enum CommunicatorError: Error, Equatable, CustomStringConvertible {
    /// `MPI_Init_thread` returned an error code.
    case initializationFailed(code: Int32, message: String)
    /// MPI was already shut down in this process; MPI allows one initialization per process.
    case alreadyFinalized
    /// An MPI call made while setting up the communicator failed.
    case setupFailed(call: String, message: String)

    /// The failure, with what to check next.
    public var description: String {
        switch self {
        case let .initializationFailed(code, message):
            return "MPI_Init_thread failed with code \(code) (\(message)). Check that Open MPI is installed "
                + "(`mpirun --version`), that the binary was launched by this Open MPI's `mpirun`, and, "
                + "as root, that `--allow-run-as-root` was passed; `ddp-train doctor` runs a self-check."
        case .alreadyFinalized:
            return "MPI was already finalized in this process and cannot be initialized again: create "
                + "the communicator once, at start, and finalize it once, at exit."
        case let .setupFailed(call, message):
            return "\(call) failed while setting up MPI (\(message)). Run `ddp-train doctor` under the same "
                + "`mpirun` command to check the MPI installation."
        }
    }
}
