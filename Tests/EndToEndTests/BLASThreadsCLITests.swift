import Foundation
import XCTest

/// The OpenBLAS thread count each rank picks on this machine when the user sets none: the real
/// executable, the real affinity mask and real `mpirun` (the rule itself, with fake masks and
/// local sizes, is in `BLASThreadChoiceTests`). `doctor` prints the choice and what OpenBLAS
/// reports after it was applied, so a choice that never reached OpenBLAS fails here too.
final class BLASThreadsCLITests: XCTestCase {
    /// Runs `ddp-train doctor` (under `mpirun` when `mpirunArguments` is given) with neither
    /// `OPENBLAS_NUM_THREADS` nor `OMP_NUM_THREADS` in its environment, and returns the rank lines.
    private func doctorRankLines(mpirunArguments: [String]?) throws -> [String] {
        var command = ["-u", "OPENBLAS_NUM_THREADS", "-u", "OMP_NUM_THREADS"]
        if let mpirunArguments {
            command += [try DDPTrainProcess.which("mpirun")] + mpirunArguments
        }
        command += [DDPTrainProcess.executable.path, "doctor"]
        let result = try DDPTrainProcess.launch("/usr/bin/env", command, timeout: 60)
        XCTAssertEqual(result.status, 0, result.output)
        return result.stdout.split(separator: "\n").map(String.init).filter { $0.contains(": rank ") }
    }

    /// The CPUs this test may run on (its affinity mask, which children inherit) and the machine's.
    private func cpuCounts() throws -> (mask: Int, online: Int) {
        func count(_ arguments: [String]) throws -> Int {
            let result = try DDPTrainProcess.launch("/usr/bin/nproc", arguments, timeout: 10)
            return try XCTUnwrap(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), result.output)
        }
        return (try count([]), try count(["--all"]))
    }

    private func assertLine(_ line: String, threads: Int, reason: String, file: StaticString = #filePath, line number: UInt = #line) {
        XCTAssertTrue(line.contains("OpenBLAS threads: \(threads) (\(reason)), OpenBLAS reports \(threads) in use"),
                      "expected \(threads) thread(s) because \(reason); got: \(line)", file: file, line: number)
    }

    func testOneProcessUsesEveryCPUItMayRunOn() throws {
        let (mask, online) = try cpuCounts()
        let lines = try doctorRankLines(mpirunArguments: nil)
        XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
        let reason = mask < online ? "affinity mask of \(mask) of \(online) CPUs (bound by the launcher)"
                                   : "affinity mask of all \(mask) CPUs shared by 1 local rank(s)"
        assertLine(lines[0], threads: mask, reason: reason)
    }

    func testTwoUnboundRanksShareTheCPUs() throws {
        let (mask, online) = try cpuCounts()
        try XCTSkipIf(mask < online, "this test runs bound to \(mask) of \(online) CPUs; unbound ranks would see all")
        let lines = try doctorRankLines(mpirunArguments: ["-np", "2", "--oversubscribe", "--bind-to", "none"])
        XCTAssertEqual(lines.count, 2, lines.joined(separator: "\n"))
        for line in lines {
            assertLine(line, threads: max(online / 2, 1), reason: "affinity mask of all \(online) CPUs shared by 2 local rank(s)")
        }
    }

    /// Open MPI binds each of two ranks to a core by default: each then owns one CPU.
    func testRanksBoundByMpirunUseTheirOwnCores() throws {
        let (mask, online) = try cpuCounts()
        try XCTSkipIf(mask < 2, "two ranks bound to cores need two CPUs; this test may use \(mask)")
        let lines = try doctorRankLines(mpirunArguments: ["-np", "2", "--bind-to", "core"])
        XCTAssertEqual(lines.count, 2, lines.joined(separator: "\n"))
        for line in lines {
            assertLine(line, threads: 1, reason: "affinity mask of 1 of \(online) CPUs (bound by the launcher)")
        }
    }
}
