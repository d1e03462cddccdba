import Foundation
import XCTest

/// `--trace` under real `mpirun -np 2`: one Chrome trace on rank 0 with every rank's timeline.
final class TraceTimelineTests: XCTestCase {
    func testTwoRankTraceHasOneProcessPerRankAndEveryPhase() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let trace = directory.appendingPathComponent("trace.json")
        let runDirectory = directory.appendingPathComponent("run")
        // Small buckets so that the model's gradients travel in several allreduces.
        let result = try DDPTrainProcess.mpirun(ranks: 2, [
            "--preset", "teacher-regression", "--epochs", "1", "--bucket-mb", "0.01",
            "--trace", trace.path, "--trace-steps", "3", "--run-dir", runDirectory.path,
        ])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains("Trace: \(trace.path)"), result.output)

        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: trace)) as? [String: Any]
        let events = try XCTUnwrap(object?["traceEvents"] as? [[String: Any]], "not a Chrome trace")
        let processNames = events.filter { $0["name"] as? String == "process_name" }
        XCTAssertEqual(processNames.compactMap { $0["pid"] as? Int }.sorted(), [0, 1], "one process per rank")

        let configData = try Data(contentsOf: runDirectory.appendingPathComponent("config.json"))
        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: configData) as? [String: Any])
        let resolved = try XCTUnwrap(config["resolved"] as? [String: Any])
        let gradientBytes = try XCTUnwrap(resolved["gradientBytes"] as? Int)
        let bucketCount = try XCTUnwrap(resolved["bucketCount"] as? Int)
        XCTAssertGreaterThan(bucketCount, 1)

        for rank in 0..<2 {
            let mine = events.filter { $0["pid"] as? Int == rank }
            let threads = Dictionary(uniqueKeysWithValues: mine.filter { $0["name"] as? String == "thread_name" }
                .compactMap { e in (e["tid"] as? Int).map { ($0, (e["args"] as? [String: Any])?["name"] as? String) } })
            XCTAssertEqual(threads[0], "compute")
            XCTAssertEqual(threads[1], "communication")

            let spans = mine.filter { $0["ph"] as? String == "X" }
            func named(_ name: String) -> [[String: Any]] { spans.filter { $0["name"] as? String == name } }
            for name in ["forward", "backward", "wait for allreduce", "optimizer step"] {
                XCTAssertEqual(named(name).count, 3, "rank \(rank): one '\(name)' per traced step")
                XCTAssertTrue(named(name).allSatisfy { $0["tid"] as? Int == 0 }, "\(name) is on the compute thread")
            }
            let allreduces = spans.filter { ($0["name"] as? String)?.hasPrefix("allreduce bucket ") ?? false }
            XCTAssertEqual(allreduces.count, 3 * bucketCount, "rank \(rank): every bucket, every traced step")
            XCTAssertTrue(allreduces.allSatisfy { $0["tid"] as? Int == 1 }, "allreduces are on the communication thread")
            let bytes = allreduces.compactMap { ($0["args"] as? [String: Any])?["bytes"] as? Int }
            XCTAssertEqual(bytes.count, allreduces.count, "every allreduce carries its byte count")
            XCTAssertEqual(bytes.reduce(0, +), 3 * gradientBytes, "the buckets add up to the gradient, every step")
            for span in spans {
                XCTAssertGreaterThanOrEqual(span["dur"] as? Double ?? -1, 0)
                XCTAssertGreaterThanOrEqual(span["ts"] as? Double ?? -1, 0, "times count from the common start")
            }
        }
    }

    func testTraceStepsMustBePositive() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.run([
            "--preset", "teacher-regression", "--epochs", "1", "--run-dir", directory.appendingPathComponent("run").path,
            "--trace", directory.appendingPathComponent("t.json").path, "--trace-steps", "0",
        ])
        assertRejected(result, mentions: ["--trace-steps"])
    }

    func testTraceDirectoryMustExist() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.run([
            "--preset", "teacher-regression", "--epochs", "1", "--run-dir", directory.appendingPathComponent("run").path,
            "--trace", directory.appendingPathComponent("missing/t.json").path,
        ])
        assertRejected(result, mentions: ["--trace", "missing", "does not exist"])
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
