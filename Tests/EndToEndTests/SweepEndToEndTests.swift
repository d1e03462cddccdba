import Foundation
import XCTest
@testable import Experiments
import Training

/// `ddp-train sweep` through the real binary: points as subprocesses (two of them under real
/// mpirun), summary.csv and report.html, resuming, and a failed point that does not stop the sweep.
final class SweepEndToEndTests: XCTestCase {
    /// A tiny model and data set, so that each point trains in well under a second.
    let base = ["--depth", "2", "--width", "8", "--samples", "32", "--epochs", "2"]

    /// The rows of summary.csv keyed by point name, as column → cell.
    func summary(_ dir: URL) throws -> [String: [String: String]] {
        let text = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let headers = MeasuredScaling.fields(lines[0])
        var rows: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            let cells = MeasuredScaling.fields(line)
            rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(headers, cells))
        }
        return rows
    }

    func testTwoByTwoSweepWithMPIRunWritesSummaryAndReportAndResumes() throws {
        _ = try DDPTrainProcess.which("mpirun")
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        let arguments = ["sweep"] + base + ["--grid", "globalBatchSize=8,16", "--grid", "ranks=1,2", "--oversubscribe",
                                            "--diagnostics-every", "1", "--jobs", "2", "--sweep-dir", dir.path]
        let first = try runTrainer(arguments)
        XCTAssertTrue(first.stdout.contains("4 point(s)") && first.stdout.contains("4 ok, 0 failed"), first.stdout)
        XCTAssertTrue(first.stdout.contains("run globalBatchSize8_ranks2 on 2 ranks"), first.stdout)

        let rows = try summary(dir)
        XCTAssertEqual(Set(rows.keys), ["globalBatchSize8_ranks1", "globalBatchSize8_ranks2",
                                        "globalBatchSize16_ranks1", "globalBatchSize16_ranks2"])
        for (name, row) in rows {
            XCTAssertEqual(row["status"], "ok", name)
            XCTAssertEqual(row["resolved_lr"], "0.01", name)
            XCTAssertEqual(row["effective_batch"], row["globalBatchSize"], name)
            XCTAssertEqual(row["epochs"], "2", name)
            XCTAssertEqual(row["steps"], row["globalBatchSize"] == "8" ? "8" : "4", name)
            for column in ["final_train_loss", "vanishing_factor_first", "vanishing_factor_last", "samples_per_second"] {
                XCTAssertGreaterThan(Double(row[column] ?? "") ?? -1, 0, "\(name) \(column)")
            }
            XCTAssertEqual(row["per_rank_batch"], String(Int(row["globalBatchSize"]!)! / Int(row["ranks"]!)!), name)
            // The noise scale needs two gradient estimates: two ranks have them, one rank does not.
            XCTAssertEqual(row["noise_scale"]?.isEmpty, row["ranks"] == "1", "\(name) noise scale '\(row["noise_scale"] ?? "")'")
        }
        // Data parallelism changes nothing but the summation order: 1 and 2 ranks agree.
        for batch in [8, 16] {
            let one = Double(rows["globalBatchSize\(batch)_ranks1"]?["final_train_loss"] ?? "") ?? .nan
            let two = Double(rows["globalBatchSize\(batch)_ranks2"]?["final_train_loss"] ?? "") ?? .nan
            XCTAssertEqual(one, two, accuracy: 1e-5 * one, "batch \(batch)")
        }

        // Each point ran in its own run directory with its own config file.
        let point = dir.appendingPathComponent("points/globalBatchSize16_ranks2")
        let config = try readRunConfigJSON(point)
        XCTAssertEqual((config["resolved"] as? [String: Any])?["worldSize"] as? Int, 2)
        XCTAssertEqual(config["globalBatchSize"] as? Int, 16)
        XCTAssertEqual(config["width"] as? Int, 8, "base flags reach every point")
        for file in ["sweep-config.json", "metrics.jsonl", "done.json", "stdout.log", "stderr.log"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: point.appendingPathComponent(file).path), file)
        }

        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        // Two points share each lr × batch cell (1 and 2 ranks), so ranks split the heatmap groups.
        for text in ["Batch × learning rate: ranks=1", "Batch × learning rate: ranks=2", "Final training loss", "Vanishing factor at the first step",
                     "Loss against effective batch size", "linear-scaling prediction", "Gradient noise scale",
                     "B_simple", "Throughput against ranks", "batch 8", "batch 16"] {
            XCTAssertTrue(html.contains(text), "report.html lacks '\(text)'")
        }
        XCTAssertGreaterThanOrEqual(html.components(separatedBy: "<svg").count - 1, 4, "heatmaps and charts are inline SVG")

        // Resume: everything finished is skipped and left untouched.
        let marker = point.appendingPathComponent("done.json")
        let before = try Data(contentsOf: marker)
        let modified = try FileManager.default.attributesOfItem(atPath: point.appendingPathComponent("metrics.jsonl").path)[.modificationDate] as? Date
        let second = try runTrainer(arguments)
        XCTAssertEqual(second.stdout.components(separatedBy: "finished earlier (done.json)").count - 1, 4, second.stdout)
        XCTAssertFalse(second.stdout.contains("] run "), second.stdout)
        XCTAssertEqual(try Data(contentsOf: marker), before)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: point.appendingPathComponent("metrics.jsonl").path)[.modificationDate] as? Date,
                       modified)
        XCTAssertEqual(try summary(dir).count, 4, "the summary still lists every point")

        // An interrupted point (no done.json, partial files) is run again from an empty directory.
        let interrupted = dir.appendingPathComponent("points/globalBatchSize8_ranks1")
        try FileManager.default.removeItem(at: interrupted.appendingPathComponent("done.json"))
        try Data("partial".utf8).write(to: interrupted.appendingPathComponent("leftover.txt"))
        let third = try runTrainer(arguments)
        XCTAssertTrue(third.stdout.contains("run globalBatchSize8_ranks1"), third.stdout)
        XCTAssertEqual(third.stdout.components(separatedBy: "finished earlier (done.json)").count - 1, 3, third.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: interrupted.appendingPathComponent("leftover.txt").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: interrupted.appendingPathComponent("done.json").path))
    }

    /// A point that stops because it reached its target ended on purpose: it is ok, not cut off.
    func testPointThatReachesItsTargetEarlyIsOk() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        let result = try runTrainer(["sweep", "--preset", "teacher-classification", "--epochs", "20",
                                     "--eval-every", "2", "--target", "val_accuracy>=0.5",
                                     "--grid", "lr=0.003,0.00001", "--sweep-dir", dir.path])
        XCTAssertTrue(result.stdout.contains("2 ok, 0 failed"), result.output)
        let rows = try summary(dir)
        XCTAssertEqual(rows["lr0.003"]?["status"], "ok")
        XCTAssertLessThan(Int(rows["lr0.003"]?["steps"] ?? "") ?? .max, 20 * 13, "the reaching point stopped early")
        XCTAssertEqual(rows["lr1e-05"]?["status"] ?? rows["lr0.00001"]?["status"], "ok", "\(rows.keys)")
    }

    func testFailedPointIsRecordedAndTheSweepGoesOn() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        // 32 samples in one global batch of 32 give one micro-batch per epoch: 100 accumulation
        // steps cannot fit. That is found when the point runs, not when the sweep is planned.
        let arguments = ["sweep"] + base + ["--global-batch-size", "32", "--grid", "accumulateSteps=100,1", "--sweep-dir", dir.path]
        let result = try DDPTrainProcess.run(arguments)
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.stdout.contains("FAILED accumulateSteps100"), result.stdout)
        XCTAssertTrue(result.stdout.contains("ok accumulateSteps1"), "the next point still ran:\n\(result.stdout)")
        XCTAssertTrue(result.stderr.contains("1 sweep point(s) failed: accumulateSteps100"), result.stderr)

        let rows = try summary(dir)
        XCTAssertEqual(rows["accumulateSteps1"]?["status"], "ok")
        let failed = try XCTUnwrap(rows["accumulateSteps100"])
        XCTAssertEqual(failed["status"], "failed")
        XCTAssertEqual(failed["final_train_loss"], "")
        let error = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        XCTAssertTrue(error.contains("exit status 1 | ddp-train: error: --accumulate-steps 100 exceeds the 1 micro-batches per epoch"),
                      error)
        let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf:
            dir.appendingPathComponent("points/accumulateSteps100/failed.json"))) as? [String: Any])
        XCTAssertEqual(record["exitCode"] as? Int, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("points/accumulateSteps100/done.json").path))
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("Failed points") && html.contains("--accumulate-steps 100 exceeds"), "report lists the failure")
        XCTAssertTrue(html.contains("No noise-scale estimate"), "and says why there is no noise scale")

        // A resumed sweep retries the failed point only.
        let again = try DDPTrainProcess.run(arguments)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stdout.contains("skip accumulateSteps1") && again.stdout.contains("run accumulateSteps100"), again.stdout)
    }

    /// SIGTERM to the sweep (Ctrl-C, a SLURM time limit) stops the running points cleanly and
    /// leaves them unfinished, so that the next run resumes them.
    func testSIGTERMStopsRunningPointsWithoutMarkingThemDone() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        let process = Process()
        process.executableURL = DDPTrainProcess.executable
        process.arguments = ["sweep"] + base + ["--epochs", "1000000", "--grid", "lr=0.01",
                                             "--sweep-dir", dir.path]
        process.environment = DDPTrainProcess.environment
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // The point has installed its signal handler once it has written config.json.
        let config = dir.appendingPathComponent("points/lr0.01/config.json")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: config.path) && process.isRunning && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: config.path), "the point never started")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, ExitStatus.preempted.rawValue, stderr)
        XCTAssertTrue(stderr.contains("stopped by SIGTERM with 0 of 1 point(s) finished; run the same command again to resume"), stderr)
        let point = dir.appendingPathComponent("points/lr0.01")
        let stdout = try String(contentsOf: point.appendingPathComponent("stdout.log"), encoding: .utf8)
        XCTAssertTrue(stdout.contains("received SIGTERM: stopped cleanly"), "the point got the signal and stopped:\n\(stdout)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: point.appendingPathComponent("done.json").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("summary.csv").path))
    }

    func testBadGridsFailBeforeAnythingRuns() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        assertUserError(try DDPTrainProcess.run(["sweep", "--grid", "lrr=0.1", "--sweep-dir", dir.path]), status: 2,
                        contains: ["unknown field 'lrr'", "did you mean 'lr'"])
        assertUserError(try DDPTrainProcess.run(["sweep", "--grid", "lr=fast", "--sweep-dir", dir.path]), status: 2,
                        contains: ["sweep point lrfast", "field 'lr' must be a number"])
        assertUserError(try DDPTrainProcess.run(["sweep", "--grid", "lr=0.1", "--run-dir", dir.path]), status: 2,
                        contains: ["--run-dir", "--sweep-dir"])
        assertUserError(try DDPTrainProcess.run(["sweep", "--grid-file", dir.appendingPathComponent("none.json").path]), status: 2,
                        contains: ["none.json", "cannot read the grid file"])
        let badChoice = try DDPTrainProcess.run(["sweep", "--grid", "activation=relu,relux", "--sweep-dir", dir.path])
        assertUserError(badChoice, status: 2, contains: [
            "sweep point activationrelux", "activation 'relux' is not one of: sigmoid, tanh, relu, leaky-relu, elu, gelu"])
        XCTAssertEqual(badChoice.stderr.split(separator: "\n").count, 1, badChoice.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path), "nothing was written")
    }
}

extension XCTestCase {
    /// A run directory's config.json as a JSON object.
    func readRunConfigJSON(_ runDirectory: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let data = try Data(contentsOf: runDirectory.appendingPathComponent("config.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], file: file, line: line)
    }
}
