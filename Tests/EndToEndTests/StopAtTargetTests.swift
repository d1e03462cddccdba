import Foundation
import Training
import XCTest

/// `--target`, `--eval-every`/`--eval-schedule` and `--max-steps` through the real binary, at
/// one rank and under real mpirun: the step each target first holds, the stop, and summary.json.
final class StopAtTargetTests: XCTestCase {
    /// A small learnable task: 4-class teacher classification with a validation split.
    let task = ["--preset", "teacher-classification", "--samples", "1024", "--global-batch-size", "32",
                "--epochs", "50", "--quiet"]

    func testRunStopsWhenEveryTargetHoldsAndRecordsTheCrossing() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(task + ["--eval-every", "4", "--target", "val_accuracy>=0.5",
                                            "--target", "train_loss<=1.2", "--run-dir", dir.path])
        let summary = try RunSummary.read(from: dir)
        XCTAssertEqual(summary.ended, .targetsReached, result.output)
        XCTAssertEqual(summary.targets.count, 2)
        let steps = summary.targets.compactMap(\.step)
        XCTAssertEqual(steps.count, 2, "both targets reached: \(summary.targets)")
        XCTAssertEqual(summary.steps, steps.max(), "the run stops at the evaluation where the last target held")
        for crossing in summary.targets {
            XCTAssertEqual((crossing.step ?? 0) % 4, 0, "crossings are found at --eval-every 4 evaluations")
            XCTAssertEqual(crossing.samples, (crossing.step ?? 0) * 32)
        }
        XCTAssertLessThan(summary.steps, 50 * 26, "it stopped well before the epoch budget")
        let evals = try DDPTrainProcess.metrics(dir, type: "eval")
        XCTAssertFalse(evals.isEmpty)
        // The recorded step is the first evaluation at which the accuracy held, not a later one.
        let accuracyStep = try XCTUnwrap(summary.targets[0].step)
        for e in evals where (e["step"] as? Int ?? 0) < accuracyStep {
            XCTAssertLessThan(e["val_accuracy"] as? Double ?? 1, 0.5, "step \(e["step"] ?? "?") already held the target")
        }
        XCTAssertTrue(result.stdout.contains("Target val_accuracy>=0.5: reached at step \(accuracyStep)"), result.stdout)
        XCTAssertEqual(summary.vanishingFactorAtInit.map { $0 > 0 }, true)
        XCTAssertEqual(summary.configHash, RunSummary.hash(summary.config))
    }

    func testAnUnreachedTargetIsCensoredNotZero() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(task + ["--eval-every", "10", "--target", "val_accuracy>=0.999",
                                            "--max-steps", "40", "--run-dir", dir.path])
        XCTAssertEqual(result.status, 0, result.output)
        let summary = try RunSummary.read(from: dir)
        XCTAssertEqual(summary.ended, .maxSteps)
        XCTAssertEqual(summary.steps, 40)
        XCTAssertNil(summary.targets.first?.step)
        // The file keeps an explicit null, so no reader can take the target as reached at 0.
        let text = try String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"step\" : null"), text)
        XCTAssertNotNil(summary.final.valAccuracy, "the last step is evaluated even off-schedule")
        XCTAssertTrue(result.stdout.contains("not reached in 40 steps (censored)"), result.stdout)
    }

    func testTwoRanksReachTheTargetAtTheSameStepAsOne() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let flags = task + ["--eval-every", "2", "--target", "val_accuracy>=0.5"]
        let one = try runTrainer(flags + ["--run-dir", dir.appendingPathComponent("one").path])
        let two = try DDPTrainProcess.mpirun(ranks: 2, flags + ["--run-dir", dir.appendingPathComponent("two").path])
        XCTAssertEqual(two.status, 0, two.output)
        let a = try RunSummary.read(from: dir.appendingPathComponent("one"))
        let b = try RunSummary.read(from: dir.appendingPathComponent("two"))
        XCTAssertEqual([b.batch.perRank, b.batch.ranks, b.batch.accumulateSteps, b.batch.effective], [16, 2, 1, 32])
        // The same global batches in the same order, evaluated over the same split (sharded
        // and reduced): the crossing agrees, up to float summation order near the threshold.
        let stepA = try XCTUnwrap(a.targets[0].step, one.output), stepB = try XCTUnwrap(b.targets[0].step, two.output)
        XCTAssertLessThanOrEqual(abs(stepA - stepB), 2, "1 rank: step \(stepA); 2 ranks: step \(stepB)")
        XCTAssertEqual(a.configHash, b.configHash, "the world size is not part of the settings")
    }

    func testBadTargetFlagIsABadInputExit() throws {
        let result = try DDPTrainProcess.run(task + ["--target", "accuracy>=0.9"])
        assertUserError(result, status: 2, contains: ["--target 'accuracy>=0.9'", "unknown metric"])
        let noSplit = try DDPTrainProcess.run(["--target", "val_loss<=0.1", "--epochs", "1"])
        assertUserError(noSplit, status: 2, contains: ["--val-fraction"])
    }
}
