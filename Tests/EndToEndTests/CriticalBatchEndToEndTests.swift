import Foundation
import XCTest

/// `ddp-train critical-batch` through the real binary: a tiny study (2 batches, 2 seeds, a small
/// teacher task) at 1 rank and at 2 ranks under real mpirun; the file's contents, the resume,
/// and refusals before anything runs.
final class CriticalBatchEndToEndTests: XCTestCase {
    let study = ["critical-batch", "--preset", "teacher-classification", "--samples", "1024",
                 "--batch-sizes", "16,64", "--target", "val_accuracy>=0.6", "--seeds", "2",
                 "--max-steps", "400", "--eval-schedule", "geometric:0.1", "--lr-extensions", "2", "--lr-refinements", "0",
                 "--resamples", "200", "--jobs", "2"]

    func read(_ dir: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent("critical-batch.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testOneRankStudyTunesEvaluatesFitsAndResumes() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let first = try DDPTrainProcess.run(study + ["--study-dir", dir.path], timeout: 600)
        XCTAssertEqual(first.status, 0, first.output)
        let json = try read(dir)
        XCTAssertEqual(json["target"] as? String, "val_accuracy>=0.6")
        let architectures = try XCTUnwrap(json["architectures"] as? [[String: Any]])
        XCTAssertEqual(architectures.count, 1)
        let batches = try XCTUnwrap(architectures[0]["batches"] as? [[String: Any]])
        XCTAssertEqual(batches.compactMap { $0["batch_size"] as? Int }, [16, 64])
        for batch in batches {
            let trials = try XCTUnwrap(batch["trials"] as? [[String: Any]])
            let tuning = trials.filter { $0["phase"] as? String == "tune" }
            XCTAssertGreaterThanOrEqual(tuning.count, 3, "the search tries at least its first three learning rates")
            XCTAssertTrue(tuning.allSatisfy { $0["seed"] as? Int == 1000 }, "tuning uses its own seed")
            let lr = try XCTUnwrap(batch["lr"] as? Double, "\(batch)")
            // The chosen learning rate is a tuning trial that reached the target in the fewest steps.
            let reached = tuning.compactMap { t -> (Double, Int)? in
                guard let o = t["outcome"] as? [String: Any], o["status"] as? String == "reached",
                      let s = o["steps"] as? Int, let l = t["lr"] as? Double else { return nil }
                return (l, s)
            }
            let best = try XCTUnwrap(reached.min { $0.1 < $1.1 || $0.1 == $1.1 && $0.0 < $1.0 })
            XCTAssertEqual(lr, best.0, accuracy: lr * 1e-9)
            let evaluation = trials.filter { $0["phase"] as? String == "evaluate" }
            XCTAssertEqual(evaluation.count, 3 * 2, "the choice and its two neighbours on 2 seeds")
            XCTAssertEqual(Set(evaluation.compactMap { $0["seed"] as? Int }), [1, 2])
            let steps = try XCTUnwrap(batch["steps"] as? [Any])
            XCTAssertEqual(steps.count, 2, "one entry per evaluation seed")
            if let median = batch["steps_median"] as? Double {
                let values = steps.compactMap { $0 as? Int }.map(Double.init)
                XCTAssertEqual(values.count, 2)
                XCTAssertEqual(median, values.reduce(0, +) / 2, accuracy: 1e-9)
                let ci = try XCTUnwrap(batch["steps_ci"] as? [Any])
                XCTAssertLessThanOrEqual(ci[0] as? Double ?? .infinity, median)
            }
            let split = try XCTUnwrap(batch["split"] as? [String: Int])
            XCTAssertEqual(split["per_rank"]! * split["ranks"]! * split["accumulate_steps"]!, batch["batch_size"] as? Int)
        }
        let fit = try XCTUnwrap(architectures[0]["fit"] as? [String: Any])
        XCTAssertNotNil(fit["status"] as? String)
        XCTAssertNotNil(fit["b_simple"] as? [String: Any])
        XCTAssertEqual(json["trials_reused"] as? Int, 0)
        let ran = try XCTUnwrap(json["trials_run"] as? Int)
        let csv = try String(contentsOf: dir.appendingPathComponent("critical-batch.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, ran + 1, "one CSV row per trial, plus the header")
        let html = try String(contentsOf: dir.appendingPathComponent("critical-batch.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg"), "the page has its charts")

        // Rerunning resumes: nothing runs again, and the results are the same.
        let second = try DDPTrainProcess.run(study + ["--study-dir", dir.path], timeout: 600)
        XCTAssertEqual(second.status, 0, second.output)
        let again = try read(dir)
        XCTAssertEqual(again["trials_run"] as? Int, 0, second.output)
        XCTAssertEqual(again["trials_reused"] as? Int, ran)
        let batchesAgain = (again["architectures"] as? [[String: Any]])?.first?["batches"] as? [[String: Any]]
        XCTAssertEqual(batchesAgain?.map { $0["steps"] as? [Int?] ?? [] }, batches.map { $0["steps"] as? [Int?] ?? [] })
    }

    func testTwoRankTrialsRunUnderMpirunAndRecordTheSplit() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.run(study + ["--grid", "ranks=2", "--study-dir", dir.path, "--oversubscribe"],
                                             timeout: 600)
        XCTAssertEqual(result.status, 0, result.output)
        let json = try read(dir)
        let architecture = try XCTUnwrap((json["architectures"] as? [[String: Any]])?.first)
        XCTAssertEqual(architecture["ranks"] as? Int, 2)
        let batches = try XCTUnwrap(architecture["batches"] as? [[String: Any]])
        for batch in batches {
            let split = try XCTUnwrap(batch["split"] as? [String: Int], "\(batch)")
            XCTAssertEqual(split["ranks"], 2)
            XCTAssertEqual(split["accumulate_steps"], 1, "two ranks give the noise scale without accumulation")
            XCTAssertEqual(split["per_rank"]! * 2, batch["batch_size"] as? Int)
            XCTAssertNotNil(batch["lr"] as? Double, "\(batch)")
        }
        XCTAssertTrue(result.stdout.contains("on 2 ranks"), result.stdout)
    }

    /// A trial whose --epochs end before --max-steps is censored where it stopped, and the log
    /// says why, so that "censored at step 13" is not taken for the study's cap.
    func testATrialOutOfEpochsBeforeTheCapIsCensoredAndNamed() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let run = try DDPTrainProcess.run(["critical-batch", "--preset", "teacher-classification", "--samples", "1024",
                                           "--batch-sizes", "64", "--target", "val_accuracy>=0.999", "--seeds", "1",
                                           "--epochs", "1", "--max-steps", "400", "--lr-extensions", "0",
                                           "--lr-refinements", "0", "--resamples", "100", "--study-dir", dir.path],
                                          timeout: 300)
        XCTAssertEqual(run.status, 0, run.output)
        // 1,024 samples, 20 % held out: 819 train, 13 steps of 64 in the one epoch.
        XCTAssertTrue(run.output.contains("censored at step 13 (its --epochs ran out before --max-steps 400: raise --epochs)"),
                      run.output)
    }

    func testBadStudiesAreRefusedBeforeAnythingRuns() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        for (extra, expected) in [(["--grid", "lr=0.1,0.01"], "tunes it per batch"),
                                  (["--batch-sizes", "16,x"], "not a whole number"),
                                  (["--grid", "ranks=3"], "does not split across 3 rank(s)")] {
            var arguments = study + ["--study-dir", dir.appendingPathComponent("s").path]
            if let i = arguments.firstIndex(of: extra[0]), extra[0] == "--batch-sizes" { arguments[i + 1] = extra[1] } else {
                arguments += extra
            }
            let result = try DDPTrainProcess.run(arguments)
            assertUserError(result, status: 2, contains: [expected])
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("s/trials").path),
                           "nothing ran for \(extra)")
        }
        let noTarget = try DDPTrainProcess.run(["critical-batch", "--batch-sizes", "8", "--max-steps", "10",
                                                "--study-dir", dir.appendingPathComponent("t").path])
        assertUserError(noTarget, status: 2, contains: ["--target"])
    }
}
