import ArgumentParser
import Autograd
import Collectives
import Foundation

/// `ddp-train doctor`: checks that MPI collectives work across the launched ranks.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the MPI setup: run every collective across the ranks and verify the results.",
        discussion: "Run as `mpirun -np 4 ddp-train doctor` on the machines you will train on."
    )

    func run() throws {
        let blasThreads = BLASThreadChoice.forThisProcess(environment: ProcessInfo.processInfo.environment)
        blasThreads.apply()
        let blasKernels = BLASKernelChoice.applyForThisProcess(environment: ProcessInfo.processInfo.environment)
        try runDistributed { comm in
            let failures = CommunicatorSelfCheck.run(comm)
            // Each rank says what it picked (masks and local sizes can differ from rank to rank)
            // and what OpenBLAS reports it uses after the choice was applied.
            print("ddp-train doctor: rank \(comm.rank) on \(comm.hostName): \(blasThreads.description), "
                  + "OpenBLAS reports \(BLAS.threadCount) in use; \(blasKernels.description)")
            fflush(nil)  // all streams: the rank lines leave before the collectives that follow
            if comm.rank == 0 {
                print("ddp-train doctor: \(comm.worldSize) rank(s), host \(comm.hostName), overlap \(comm.supportsOverlap ? "available" : "unavailable"), "
                      + (comm.isSingleNode ? "all ranks on one node" : "ranks on several nodes"))
            }
            guard failures.isEmpty else {
                throw DoctorFailure(description: failures.joined(separator: "; "))
            }
            if comm.rank == 0 { print("ddp-train doctor: all collectives OK") }
        }
    }

    struct DoctorFailure: Error, CustomStringConvertible { let description: String }
}
