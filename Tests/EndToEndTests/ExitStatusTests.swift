import Foundation
import Training
import XCTest

/// The exit statuses README.md promises ("Exit statuses"), the same across `train`, `sweep` and
/// `critical-batch`, and `--version`.
final class ExitStatusTests: XCTestCase {
    func testVersionPrintsOneVersionLine() throws {
        let result = try DDPTrainProcess.run(["--version"])
        XCTAssertEqual(result.status, ExitStatus.success.rawValue, result.output)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertNotNil(line.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression), "not a version: '\(line)'")
    }

    /// ArgumentParser's own usage errors (EX_USAGE, 64) are bad input like any other: 2.
    func testUnknownFlagsAndBadValuesAreBadInputInEverySubcommand() throws {
        for arguments in [["--no-such-flag"], ["--epochs", "abc"], ["sweep", "--no-such-flag"],
                          ["critical-batch", "--batch-sizes", "8", "--no-such-flag"], ["critical-batch"]] {
            let result = try DDPTrainProcess.run(arguments)
            XCTAssertEqual(result.status, ExitStatus.badInput.rawValue, "\(arguments): \(result.output)")
        }
    }

    /// SIGTERM to a study stops its trials, keeps what finished and exits with the pre-empted status.
    func testInterruptedStudyExitsPreempted() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let process = Process()
        process.executableURL = DDPTrainProcess.executable
        process.arguments = ["critical-batch", "--preset", "teacher-classification", "--samples", "1024",
                             "--batch-sizes", "16", "--target", "val_accuracy>=0.999", "--seeds", "1",
                             "--max-steps", "100000", "--study-dir", dir.path]
        process.environment = DDPTrainProcess.environment
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // A trial has started once its directory holds a config.json.
        let deadline = Date().addingTimeInterval(120)
        func started() -> Bool {
            let trials = dir.appendingPathComponent("trials")
            guard let found = FileManager.default.enumerator(atPath: trials.path) else { return false }
            return found.contains { ($0 as? String)?.hasSuffix("config.json") == true }
        }
        while !started() && process.isRunning && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(started(), "no trial started")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, ExitStatus.preempted.rawValue, stderr)
        XCTAssertTrue(stderr.contains("received SIGTERM: stopped"), stderr)
    }
}
