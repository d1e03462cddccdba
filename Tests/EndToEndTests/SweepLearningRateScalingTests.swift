import Foundation
import XCTest

/// `--lr-scaling` end to end: the resolved learning rate and its rule are printed at start,
/// recorded in config.json, and used at every step, alone and under mpirun (where the ranks
/// make the effective batch).
final class SweepLearningRateScalingTests: XCTestCase {
    let tiny = ["--depth", "2", "--width", "8", "--epochs", "2"]

    func testLinearScalingIsShownAtStartAndRecorded() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(tiny + ["--global-batch-size", "100", "--lr", "0.01", "--lr-scaling", "linear",
                                            "--base-batch-size", "25", "--run-dir", dir.path])
        XCTAssertTrue(result.stdout.contains("linear scaling: 0.01 × (100/25) = 0.04"), result.stdout)
        let resolved = try XCTUnwrap(try readRunConfigJSON(dir)["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["learningRate"] as? Double ?? 0, 0.04, accuracy: 1e-8)
        XCTAssertEqual(resolved["learningRateRule"] as? String, "linear scaling: 0.01 × (100/25) = 0.04")
        let config = try readRunConfigJSON(dir)
        XCTAssertEqual(config["lr"] as? Double ?? 0, 0.01, accuracy: 1e-9, "the given lr stays as given")
        XCTAssertEqual(config["lrScaling"] as? String, "linear")
        XCTAssertEqual(config["baseBatchSize"] as? Int, 25)
        let steps = try DDPTrainProcess.metrics(dir, type: "step")
        XCTAssertEqual(steps.compactMap { $0["lr"] as? Double }.count, 2)
        for step in steps { XCTAssertEqual(step["lr"] as? Double ?? 0, 0.04, accuracy: 1e-8) }
    }

    func testSquareRootScalingFromTheRanksEffectiveBatchUnderMPIRun() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        // 2 ranks × per-rank 8 × 2 accumulation steps = 32; √(32/8) = 2.
        let result = try DDPTrainProcess.mpirun(ranks: 2, tiny + ["--samples", "64", "--batch-size", "8", "--accumulate-steps", "2",
                                                                  "--lr", "0.05", "--lr-scaling", "sqrt", "--base-batch-size", "8",
                                                                  "--run-dir", dir.path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains("sqrt scaling: 0.05 × √(32/8) = 0.1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("effective batch 32"), result.stdout)
        let resolved = try XCTUnwrap(try readRunConfigJSON(dir)["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["effectiveBatchSize"] as? Int, 32)
        XCTAssertEqual(resolved["learningRate"] as? Double ?? 0, 0.1, accuracy: 1e-7)
        XCTAssertTrue((resolved["learningRateRule"] as? String ?? "").hasPrefix("sqrt scaling"))
    }

    func testWithoutScalingTheRuleSaysAsGiven() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(tiny + ["--lr", "0.03", "--run-dir", dir.path])
        XCTAssertTrue(result.stdout.contains("lr 0.03 as given"), result.stdout)
        let resolved = try XCTUnwrap(try readRunConfigJSON(dir)["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["learningRateRule"] as? String, "lr 0.03 as given")
        XCTAssertEqual(resolved["learningRate"] as? Double ?? 0, 0.03, accuracy: 1e-8)
    }
}
