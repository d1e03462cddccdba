import ArgumentParser
import Collectives
import Experiments
import Foundation
import Training

/// The exit status when a collective waited longer than `--collective-timeout` (the watchdog
/// ends every rank with it through `MPI_Abort`).
let collectiveTimeoutExitCode = ExitStatus.collectiveTimeout.rawValue

/// Reports a user error found before MPI starts (a bad flag value or config file) and exits
/// with `ExitStatus.badInput` (2). Every rank finds the same error; only rank 0 prints it, so the user reads it
/// once.
func failBeforeLaunch(_ message: String) -> Never {
    let rank = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"] ?? ProcessInfo.processInfo.environment["PMIX_RANK"]
    if rank == nil || rank == "0" {
        FileHandle.standardError.write(Data("ddp-train: error: \(message)\n".utf8))
    }
    exit(ExitStatus.badInput.rawValue)
}

/// Starts the communicator, runs `body`, and turns any error into one clear line and a
/// non-zero exit: `ExitStatus.preempted` (3) for a clean stop on a pre-emption signal, so that a
/// job script can tell it from a finished run and requeue, `ExitStatus.failure` (1) otherwise. Under MPI an error on any rank ends the whole job (MPI_Abort) with a message
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
        exit(ExitStatus.preempted.rawValue)
    } catch {
        let message = "\(error)"
        if communicator.worldSize > 1 {
            communicator.abort(code: ExitStatus.failure.rawValue, message: message)
        }
        fail(message)
    }
    communicator.finalize()
}

/// Prints `ddp-train: error: <message>` to standard error and exits with `status`
/// (`ExitStatus.failure`, 1, unless told otherwise).
func fail(_ message: String, status: ExitStatus = .failure) -> Never {
    FileHandle.standardError.write(Data("ddp-train: error: \(message)\n".utf8))
    exit(status.rawValue)
}

/// Ends a sweep or study that `run` could not finish: `ExitStatus.preempted` when a signal
/// stopped it (what finished is kept; the same command resumes), `ExitStatus.failure` otherwise.
func failRunning(_ error: any Error) -> Never {
    fail("\(error)", status: error is SweepInterrupted ? .preempted : .failure)
}
