import Distributed
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

    // MARK: Launching

    /// Runs ``testSelfCheckInsideMPIJob`` as a job of `ranks` processes and checks that every
    /// rank reports success.
    private func runSelfCheck(ranks: Int, launcher: [String]? = nil) throws {
        if ProcessInfo.processInfo.environment[Self.expectedSizeVariable] != nil {
            throw XCTSkip("already inside a launched job")
        }
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let filter = "DistributedTests.CommunicatorTestsMPI/testSelfCheckInsideMPIJob"
        let command: [String]
        if let launcher {
            command = launcher + [bundle, filter]
        } else {
            guard let mpirun = findExecutable("mpirun") else {
                throw XCTSkip("mpirun is not installed (scripts/setup-system.sh installs Open MPI)")
            }
            var arguments = [mpirun, "-np", String(ranks), "--oversubscribe"]
            if getuid() == 0 { arguments.append("--allow-run-as-root") }
            command = arguments + [bundle, filter]
        }
        let (status, output) = try run(command, environment: [
            Self.expectedSizeVariable: String(ranks),
            "OPENBLAS_NUM_THREADS": "1",
        ])
        XCTAssertEqual(status, 0, "\(command.joined(separator: " ")) failed:\n\(output)")
        for rank in 0..<ranks {
            XCTAssertTrue(output.contains("commcheck: rank \(rank) of \(ranks) on "),
                          "rank \(rank) did not report:\n\(output)")
        }
        let okLines = output.split(separator: "\n").filter { $0.hasPrefix("commcheck: rank") && $0.hasSuffix(": ok") }
        XCTAssertEqual(okLines.count, ranks, "not every rank passed:\n\(output)")
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
