import Foundation
import XCTest

/// Every preset end to end through the real binary, with few epochs: exit 0, a fully resolved
/// config.json, one metrics record per logged step and per epoch, and the summary table.
final class CLIPresetTests: XCTestCase {
    func testSeedSigmoidMLP() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(["--preset", "seed-sigmoid-mlp", "--epochs", "3", "--seed", "4", "--run-dir", dir.path])

        let config = try runConfigJSON(dir)
        XCTAssertEqual(config["preset"] as? String, "seed-sigmoid-mlp")
        XCTAssertEqual(config["seed"] as? Int, 4)
        XCTAssertEqual(config["epochs"] as? Int, 3)
        XCTAssertEqual(config["activation"] as? String, "sigmoid")
        let resolved = try XCTUnwrap(config["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["effectiveBatchSize"] as? Int, 100)
        XCTAssertEqual(resolved["perRankBatchSize"] as? Int, 100)
        XCTAssertEqual(resolved["worldSize"] as? Int, 1)
        XCTAssertEqual(resolved["optimizerSteps"] as? Int, 3)
        XCTAssertEqual(resolved["parameterCount"] as? Int, 10 * 128 + 128 + 9 * (128 * 128 + 128) + 128 + 1)
        XCTAssertEqual(resolved["learningRate"] as? Double ?? 0, 0.01, accuracy: 1e-9)

        let steps = try DDPTrainProcess.metrics(dir, type: "step")
        assertStepRecords(steps, steps: [1, 2, 3], weights: seedMLPWeights, learningRate: 0.01)
        XCTAssertEqual(steps.map { $0["epoch"] as? Int }, [1, 2, 3])
        let factor = try XCTUnwrap(steps[0]["vanishing_factor"] as? Double)
        let norms = try XCTUnwrap(steps[0]["grad_norms"] as? [String: Double])
        XCTAssertEqual(factor, norms["model.0.weight"]! / norms["model.18.weight"]!, accuracy: factor * 1e-9,
                       "first layer over last hidden layer")
        let epochs = try DDPTrainProcess.metrics(dir, type: "epoch")
        XCTAssertEqual(epochs.map { $0["epoch"] as? Int }, [1, 2, 3])
        XCTAssertEqual(epochs.map { $0["step"] as? Int }, [1, 2, 3])
        XCTAssertNil(epochs[0]["val_loss"], "no validation split in this preset")

        // The summary table: every layer, the norms at the first and last step, the factor.
        let out = result.stdout
        XCTAssertTrue(out.contains("Gradient norms by layer (first step → last step):"), out)
        XCTAssertTrue(out.contains("step 1") && out.contains("step 3"), out)
        for name in seedMLPWeights {
            XCTAssertTrue(out.contains("  \(name) "), "summary lists \(name):\n\(out)")
        }
        XCTAssertTrue(out.contains("(output head)"), out)
        XCTAssertTrue(out.contains("vanishing factor"), out)
        XCTAssertTrue(out.contains(String(format: "%.3e", factor)), "the table shows step 1's factor \(factor):\n\(out)")
    }

    func testLogEveryWritesEveryNthStepPlusTheFirstAndLast() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        try runTrainer(["--epochs", "10", "--log-every", "4", "--depth", "3", "--width", "16", "--quiet", "--run-dir", dir.path])
        let steps = try DDPTrainProcess.metrics(dir, type: "step")
        assertStepRecords(steps, steps: [1, 4, 8, 10], weights: (0...3).map { "model.\(2 * $0).weight" }, learningRate: 0.01)
        XCTAssertEqual(try DDPTrainProcess.metrics(dir, type: "epoch").count, 10, "one epoch record per epoch regardless")
    }

    func testSeedResNet1d() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(["--preset", "seed-resnet1d", "--depth", "2", "--width", "8", "--epochs", "2",
                                     "--run-dir", dir.path])
        let config = try runConfigJSON(dir)
        XCTAssertEqual(config["model"] as? String, "resnet1d")
        XCTAssertEqual(config["optimizer"] as? String, "adam")
        XCTAssertEqual((config["resolved"] as? [String: Any])?["effectiveBatchSize"] as? Int, 100)
        let weights = ["conv_in.weight", "blocks.0.conv1.weight", "blocks.0.conv2.weight",
                       "blocks.1.conv1.weight", "blocks.1.conv2.weight", "conv_out.weight"]
        assertStepRecords(try DDPTrainProcess.metrics(dir, type: "step"), steps: [1, 2], weights: weights, learningRate: 0.001)
        XCTAssertEqual(try DDPTrainProcess.metrics(dir, type: "epoch").count, 2)
        for name in weights { XCTAssertTrue(result.stdout.contains(name), result.stdout) }
    }

    /// Example 3: two comparison points, each in its own run directory, trained from the same
    /// initialization, and a side-by-side table.
    func testSeedBatchLRComparison() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(["--preset", "seed-batch-lr", "--epochs", "1", "--samples", "256", "--run-dir", dir.path])
        let points = [("lr0.05-batch16", 0.05, 16, 16), ("lr0.001-batch128", 0.001, 128, 2)]
        var firstLosses: [Double] = []
        for (name, lr, batch, stepCount) in points {
            let sub = dir.appendingPathComponent(name)
            let config = try runConfigJSON(sub)
            XCTAssertEqual(config["lr"] as? Double ?? 0, lr, accuracy: lr * 1e-6, name)
            XCTAssertEqual(config["globalBatchSize"] as? Int, batch, name)
            XCTAssertNil(config["comparison"], "each point's config is a single run: \(name)")
            XCTAssertEqual((config["resolved"] as? [String: Any])?["effectiveBatchSize"] as? Int, batch, name)
            let steps = try DDPTrainProcess.metrics(sub, type: "step")
            assertStepRecords(steps, steps: Array(1...stepCount), weights: ["model.0.weight", "model.2.weight"], learningRate: lr)
            firstLosses.append(steps[0]["loss"] as? Double ?? .nan)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("metrics.jsonl").path),
                       "the parent directory holds only the points")
        let out = result.stdout
        XCTAssertTrue(out.contains("Comparison (each point from the same fresh initialization):"), out)
        let tableRows = out.split(separator: "\n").filter { $0.hasPrefix("  lr0.05-batch16") || $0.hasPrefix("  lr0.001-batch128") }
        XCTAssertEqual(tableRows.count, 2, out)
        XCTAssertTrue(tableRows[0].contains(" 16 ") && tableRows[1].contains(" 128 "), "\(tableRows)")
        // Same initialization and data; shuffled batches differ in size, so the first losses are
        // close but not equal.
        XCTAssertEqual(firstLosses[0], firstLosses[1], accuracy: 0.5 * firstLosses[1])
    }

    func testTeacherRegressionReportsValidationLoss() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(["--preset", "teacher-regression", "--epochs", "3", "--samples", "640",
                                     "--run-dir", dir.path])
        let resolved = try XCTUnwrap(try runConfigJSON(dir)["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["trainSamples"] as? Int, 512)
        XCTAssertEqual(resolved["validationSamples"] as? Int, 128)
        XCTAssertEqual(resolved["effectiveBatchSize"] as? Int, 128)
        XCTAssertEqual(resolved["loss"] as? String, "mse")
        let steps = try DDPTrainProcess.metrics(dir, type: "step")
        assertStepRecords(steps, steps: Array(1...12), weights: (0...4).map { "model.\(2 * $0).weight" }, learningRate: 0.001)
        let epochs = try DDPTrainProcess.metrics(dir, type: "epoch")
        XCTAssertEqual(epochs.count, 3)
        let validation = epochs.compactMap { $0["val_loss"] as? Double }
        XCTAssertEqual(validation.count, 3)
        XCTAssertLessThan(validation[2], validation[0], "a learnable task: validation loss falls")
        XCTAssertNil(epochs[0]["val_accuracy"], "no accuracy for regression")
        XCTAssertTrue(result.stdout.contains("Validation loss:"), result.stdout)
    }

    func testTeacherClassificationReportsValidationAccuracy() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(["--preset", "teacher-classification", "--epochs", "4", "--samples", "1280",
                                     "--run-dir", dir.path])
        let resolved = try XCTUnwrap(try runConfigJSON(dir)["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["loss"] as? String, "cross-entropy")
        XCTAssertEqual(resolved["validationSamples"] as? Int, 256)
        let epochs = try DDPTrainProcess.metrics(dir, type: "epoch")
        let accuracy = epochs.compactMap { $0["val_accuracy"] as? Double }
        XCTAssertEqual(accuracy.count, 4)
        XCTAssertTrue(accuracy.allSatisfy { (0...1).contains($0) }, "\(accuracy)")
        XCTAssertGreaterThan(accuracy[3], 0.5, "4 classes; a learnable task beats chance: \(accuracy)")
        let trainLoss = epochs.compactMap { $0["train_loss"] as? Double }
        XCTAssertLessThan(trainLoss[3], trainLoss[0], "\(trainLoss)")
        XCTAssertTrue(result.stdout.contains("Validation loss:") && result.stdout.contains("accuracy"), result.stdout)
        let firstStep = try DDPTrainProcess.metrics(dir, type: "step").first
        XCTAssertEqual((firstStep?["grad_norms"] as? [String: Double])?.count, 5, "4 hidden layers and the head")
    }
}
