import ArgumentParser
import Collectives
import Foundation
import Training

/// The exit status when a collective waited longer than `--collective-timeout` (the watchdog
/// ends every rank with it through `MPI_Abort`).
let collectiveTimeoutExitCode: Int32 = 4

/// Reports a user error found before MPI starts (a bad flag value or config file) and exits
/// with status 2. Every rank finds the same error; only rank 0 prints it, so the user reads it
/// once.
func failBeforeLaunch(_ message: String) -> Never {
    let rank = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"] ?? ProcessInfo.processInfo.environment["PMIX_RANK"]
    if rank == nil || rank == "0" {
        FileHandle.standardError.write(Data("ddp-train: error: \(message)\n".utf8))
    }
    exit(2)
}

/// Starts the communicator, runs `body`, and turns any error into one clear line and a
/// non-zero exit. Under MPI an error on any rank ends the whole job (MPI_Abort) with a message
/// naming the rank, so no rank is left waiting in a collective.
func runDistributed(_ body: (any Communicator) throws -> Void) throws {
    let communicator: any Communicator
    do {
        communicator = try makeCommunicator()
    } catch {
        fail("cannot start MPI: \(error)")
    }
    do {
        try body(communicator)
    } catch let preempted as Preempted {
        // A clean, agreed stop: every rank got here at the same step boundary.
        if communicator.rank == 0 { print("ddp-train: \(preempted)") }
        communicator.finalize()
        exit(0)
    } catch {
        let message = "\(error)"
        if communicator.worldSize > 1 {
            communicator.abort(code: 1, message: message)
        }
        fail(message)
    }
    communicator.finalize()
}

/// Prints `ddp-train: error: <message>` to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ddp-train: error: \(message)\n".utf8))
    exit(1)
}
