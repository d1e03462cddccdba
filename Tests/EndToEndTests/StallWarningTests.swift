import Collectives
import Foundation
import Training
import XCTest

/// `--stall-warning-seconds` and the `stall` debug fault.
final class StallWarningTests: XCTestCase {
    func testWarningNamesRankCollectiveAndStep() {
        let line = StallReporter(rank: 3, worldSize: 4).message(collective: "allreduce bucket 2", sequence: 17,
                                                                waitedSeconds: 61.25, step: 9)
        XCTAssertTrue(line.hasPrefix("ddp-train: warning: rank 3: "), line)
        for part in ["'allreduce bucket 2'", "#17", "step 9", "61.2 s", "have not arrived"] {
            XCTAssertTrue(line.contains(part), "'\(line)' should mention \(part)")
        }
    }

    func testStallFaultParses() throws {
        let fault = try FaultInjection(spec: "stall@4@0@2.5")
        XCTAssertEqual(fault.stallStep, 4)
        XCTAssertEqual(fault.stallRank, 0)
        XCTAssertEqual(fault.stallSeconds, 2.5)
        let defaults = try FaultInjection(spec: "stall@2")
        XCTAssertEqual(defaults.stallRank, 1, "rank 1 by default")
        XCTAssertEqual(defaults.stallSeconds, 3, "3 s by default")
        XCTAssertThrowsError(try FaultInjection(spec: "stall@2@1@0"))
        XCTAssertThrowsError(try FaultInjection(spec: "stall@2@1@soon"))
    }

    /// Rank 1 sleeps 3 s before step 2's backward; rank 0 reaches the gradient allreduce first
    /// and, after 1 s, says so. Rank 1 never waits, so it prints nothing: the silent rank is the
    /// late one.
    func testWaitingRankWarnsUnderMPI() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.mpirun(ranks: 2, [
            "--preset", "teacher-regression", "--epochs", "1", "--quiet", "--run-dir", directory.path,
            "--debug-fault", "stall@2@1@3", "--stall-warning-seconds", "1",
        ])
        XCTAssertEqual(result.status, 0, "a stall is a warning, not an error:\n\(result.output)")
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("has waited") }
        XCTAssertEqual(warnings.count, 1, result.output)
        let line = String(warnings.first ?? "")
        XCTAssertTrue(line.hasPrefix("ddp-train: warning: rank 0: collective 'allreduce bucket 0'"), line)
        XCTAssertTrue(line.contains("step 2"), line)
    }

    func testNoWarningWithoutAStall() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.mpirun(ranks: 2, [
            "--preset", "teacher-regression", "--epochs", "1", "--quiet", "--run-dir", directory.path,
        ])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertFalse(result.stderr.contains("has waited"), result.output)
    }

    func testStallWarningSecondsMustBePositive() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.run([
            "--preset", "teacher-regression", "--epochs", "1", "--run-dir", directory.path, "--stall-warning-seconds", "0",
        ])
        assertRejected(result, mentions: ["--stall-warning-seconds"])
    }
}

/// A user error: non-zero exit, no crash, and an error line naming every part of `expected`.
fileprivate func assertRejected(_ result: DDPTrainProcess.Result, mentions expected: [String],
                                file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(result.status, 0, "should fail:\n\(result.output)", file: file, line: line)
    XCTAssertFalse(result.output.contains("Fatal error"), result.output, file: file, line: line)
    let errorLine = result.stderr.split(separator: "\n").first { $0.contains("error:") }.map(String.init) ?? ""
    for part in expected {
        XCTAssertTrue(errorLine.contains(part), "error line '\(errorLine)' should mention '\(part)'", file: file, line: line)
    }
}
