import Collectives
import Foundation
import XCTest

/// The MPI communicator under real `mpirun`.
///
/// The launcher tests start this same test bundle under `mpirun`, filtered to
/// ``testSelfCheckInsideMPIJob``, which is skipped in an ordinary run because MPI can be
/// initialized only once per process.
final class CommunicatorTestsMPI: XCTestCase {
    /// Set by the launcher tests: the world size the job must see.
    private static let expectedSizeVariable = "DDP_COMM_SELFCHECK_SIZE"

    func testSelfCheckUnderMpirunWithTwoRanks() throws {
        try runSelfCheck(ranks: 2)
    }

    func testSelfCheckUnderMpirunWithFourRanks() throws {
        try runSelfCheck(ranks: 4)
    }

    /// Run alone, `MPICommunicator` initializes MPI as a singleton of world size 1.
    func testSelfCheckAsMPISingleton() throws {
        try runSelfCheck(ranks: 1, launcher: [])
    }

    /// The body of the launched job: one rank of it.
    func testSelfCheckInsideMPIJob() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let expected = environment[Self.expectedSizeVariable].flatMap(Int.init) else {
            throw XCTSkip("runs only inside the MPI job that the launcher tests start")
        }
        let comm = try MPICommunicator()
        defer { comm.finalize() }
        let failures = CommunicatorSelfCheck.run(comm)
        XCTAssertEqual(comm.worldSize, expected)
        XCTAssertEqual(failures, [])
        XCTAssertFalse(comm.hostName.isEmpty)
        let status = failures.isEmpty && comm.worldSize == expected ? "ok" : "FAILED"
        print("commcheck: rank \(comm.rank) of \(comm.worldSize) on \(comm.hostName) "
              + "(\(comm.threadLevel)): \(status)")
        failures.forEach { print("commcheck: \($0)") }
    }

    /// An error on one rank ends every rank, with the message and the exit code, instead of
    /// leaving the others waiting in a collective.
    func testAbortOnOneRankEndsTheWholeJob() throws {
        let (status, output) = try launch(ranks: 2, test: "testAbortInsideMPIJob",
                                          environment: [Self.abortVariable: "1"])
        XCTAssertEqual(status, 3, output)
        XCTAssertTrue(output.contains("ddp-train: rank 1: deliberate failure for the abort test"), output)
        XCTAssertFalse(output.contains("passed the barrier"), output)
    }

    /// Set by ``testAbortOnOneRankEndsTheWholeJob``.
    private static let abortVariable = "DDP_COMM_ABORT_TEST"

    /// The body of the aborting job: rank 1 aborts while rank 0 waits in a barrier.
    func testAbortInsideMPIJob() throws {
        guard ProcessInfo.processInfo.environment[Self.abortVariable] != nil else {
            throw XCTSkip("runs only inside the MPI job that testAbortOnOneRankEndsTheWholeJob starts")
        }
        let comm = try MPICommunicator()
        if comm.rank == 1 {
            comm.abort(code: 3, message: "deliberate failure for the abort test")
        }
        comm.barrier()
        print("rank \(comm.rank) passed the barrier")
        comm.finalize()
    }

    // MARK: Launching

    /// Runs ``testSelfCheckInsideMPIJob`` as a job of `ranks` processes and checks that every
    /// rank reports success. `launcher` nil means `mpirun`; `[]` runs one process directly.
    private func runSelfCheck(ranks: Int, launcher: [String]? = nil) throws {
        let (status, output) = try launch(ranks: ranks, test: "testSelfCheckInsideMPIJob", launcher: launcher,
                                          environment: [Self.expectedSizeVariable: String(ranks)])
        XCTAssertEqual(status, 0, output)
        for rank in 0..<ranks {
            XCTAssertTrue(output.contains("commcheck: rank \(rank) of \(ranks) on "),
                          "rank \(rank) did not report:\n\(output)")
        }
        let okLines = output.split(separator: "\n").filter { $0.hasPrefix("commcheck: rank") && $0.hasSuffix(": ok") }
        XCTAssertEqual(okLines.count, ranks, "not every rank passed:\n\(output)")
    }

    /// Starts this test bundle, filtered to `test`, as an MPI job; returns the exit status and
    /// the combined output.
    private func launch(ranks: Int, test: String, launcher: [String]? = nil,
                        environment: [String: String]) throws -> (Int32, String) {
        let inside = [Self.expectedSizeVariable, Self.abortVariable]
        if inside.contains(where: { ProcessInfo.processInfo.environment[$0] != nil }) {
            throw XCTSkip("already inside a launched job")
        }
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let filter = "CollectivesTests.CommunicatorTestsMPI/\(test)"
        var command: [String]
        if let launcher {
            command = launcher
        } else {
            guard let mpirun = findExecutable("mpirun") else {
                throw XCTSkip("mpirun is not installed (scripts/setup-system.sh installs Open MPI)")
            }
            command = [mpirun, "-np", String(ranks), "--oversubscribe"]
            if getuid() == 0 { command.append("--allow-run-as-root") }
        }
        command += [bundle, filter]
        let (status, output) = try run(command, environment: environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 })
        return (status, "$ \(command.joined(separator: " "))\n\(output)")
    }

    /// Runs `command` to completion with extra environment variables; returns its exit status
    /// and its standard output and error together. A job still running after ten minutes is
    /// killed and reported, so a hang fails the test instead of blocking the suite.
    private func run(_ command: [String], environment: [String: String]) throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("commcheck-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + 600) == .timedOut {
            process.terminate()
            finished.wait()
            XCTFail("\(command.joined(separator: " ")) did not finish within 600 s")
        }
        try output.close()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }

    private func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
