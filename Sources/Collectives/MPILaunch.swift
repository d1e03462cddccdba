import Foundation

/// Tells whether this process was started by an MPI launcher.
///
/// Open MPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE`; PMIx launchers (`srun --mpi=pmix`, `prterun`)
/// set `PMIX_RANK`; PMI-1/2 launchers (`srun --mpi=pmi2`, MPICH's Hydra) set `PMI_RANK`.
public enum MPILaunch {
    /// The environment variables whose presence means "launched by MPI".
    public static let markers = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]

    /// Whether any of ``markers`` is set in `environment`.
    public static func isLaunched(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        markers.contains { environment[$0] != nil }
    }
}

/// The communicator this process should use: MPI when launched by MPI, otherwise one process.
///
/// Under `mpirun` (or another launcher, see ``MPILaunch``) it initializes MPI and returns an
/// ``MPICommunicator`` over the world. Run alone it returns a ``SingleProcessCommunicator`` and
/// never initializes MPI: start-up is faster, no singleton daemon is spawned, and the binary
/// works on a machine whose MPI cannot start. To test MPI itself in one process, create an
/// ``MPICommunicator`` directly.
/// - Throws: ``CommunicatorError`` when launched by MPI but MPI cannot start.
public func makeCommunicator(
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> any Communicator {
    if MPILaunch.isLaunched(environment: environment) {
        return try MPICommunicator()
    }
    return SingleProcessCommunicator()
}
