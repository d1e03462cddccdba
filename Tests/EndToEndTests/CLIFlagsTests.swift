import Foundation
import XCTest

/// The command line itself: --help documents every flag, --quiet silences progress, and a
/// --config file sets fields that flags then override.
final class CLIFlagsTests: XCTestCase {
    /// A tiny, fast model for tests that are about flags, not training.
    private let tiny = ["--depth", "3", "--width", "8"]

    func testHelpDocumentsFlagsAndPresets() throws {
        let result = try runTrainer(["train", "--help"])
        let help = result.stdout
        for flag in ["--preset", "--config", "--depth", "--activation", "--init ", "--lr ", "--lr-scaling", "--batch-size",
                     "--global-batch-size", "--epochs", "--seed", "--log-every", "--run-dir", "--init-from", "--save",
                     "--quiet", "--log-level", "--accumulate-steps", "--grad-compression", "--warmup-epochs", "--val-fraction",
                     "--inputs", "--targets", "--shuffle", "--no-shuffle"] {
            XCTAssertTrue(help.contains(flag), "--help should document \(flag)")
        }
        for preset in ["seed-sigmoid-mlp", "seed-resnet1d", "seed-batch-lr", "teacher-regression", "teacher-classification"] {
            XCTAssertTrue(help.contains(preset), "--help should list preset \(preset)")
        }
        XCTAssertTrue(try runTrainer(["--help"]).stdout.contains("train"), "top-level help names the subcommand")
    }

    /// Every visible option and flag has help text: ArgumentParser's machine-readable dump lists
    /// each argument with its abstract.
    func testEveryFlagHasHelpText() throws {
        let result = try runTrainer(["train", "--experimental-dump-help"])
        let dump = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let command = try XCTUnwrap(dump["command"] as? [String: Any])
        let arguments = try XCTUnwrap(command["arguments"] as? [[String: Any]])
        XCTAssertGreaterThan(arguments.count, 50)
        for argument in arguments where argument["shouldDisplay"] as? Bool != false {  // hidden: test-only flags
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            let abstract = argument["abstract"] as? String ?? ""
            XCTAssertFalse(abstract.isEmpty, "--\(names.first ?? "?") has no help text")
        }
    }

    func testFlushDenormalsSaysSoAtStartUp() throws {
        let result = try runTrainer(["train"] + tiny + ["--epochs", "1", "--flush-denormals"])
        XCTAssertTrue(result.stdout.contains("subnormal floats flush to zero (--flush-denormals)"), result.stdout)
        XCTAssertFalse(try runTrainer(["train"] + tiny + ["--epochs", "1"]).stdout.contains("subnormal"))
    }

    func testQuietSilencesProgressAndStartupButKeepsTheSummary() throws {
        let loud = try DDPTrainProcess.temporaryDirectory(self), quiet = try DDPTrainProcess.temporaryDirectory(self)
        let normal = try runTrainer(tiny + ["--epochs", "2", "--run-dir", loud.path])
        XCTAssertTrue(normal.stdout.contains("ddp-train: preset seed-sigmoid-mlp"), normal.stdout)
        XCTAssertTrue(normal.stdout.contains("epoch 2/2  step 2/2"), "progress is shown by default:\n\(normal.stdout)")
        XCTAssertTrue(normal.stdout.contains("Run directory:"), normal.stdout)

        let silent = try runTrainer(tiny + ["--epochs", "2", "--quiet", "--run-dir", quiet.path])
        XCTAssertFalse(silent.stdout.contains("ddp-train: preset"), silent.stdout)
        XCTAssertFalse(silent.stdout.contains("epoch 1/2"), silent.stdout)
        XCTAssertFalse(silent.stdout.contains("Run directory:"), silent.stdout)
        XCTAssertEqual(silent.stderr, "")
        XCTAssertTrue(silent.stdout.contains("Gradient norms by layer"), "results still print:\n\(silent.stdout)")
        XCTAssertEqual(try DDPTrainProcess.metrics(quiet, type: "step").count, 2, "--quiet still writes metrics")
    }

    func testConfigFileSetsFieldsAndFlagsOverrideIt() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let file = dir.appendingPathComponent("run.json")
        try Data(#"{"epochs": 2, "lr": 0.05, "seed": 9, "depth": 3, "width": 8, "optimizer": "adam"}"#.utf8).write(to: file)
        let run = dir.appendingPathComponent("run")
        try runTrainer(["--config", file.path, "--lr", "0.02", "--quiet", "--run-dir", run.path])
        let config = try runConfigJSON(run)
        XCTAssertEqual(config["epochs"] as? Int, 2, "from the file")
        XCTAssertEqual(config["seed"] as? Int, 9, "from the file")
        XCTAssertEqual(config["optimizer"] as? String, "adam", "from the file")
        XCTAssertEqual(config["lr"] as? Double ?? 0, 0.02, accuracy: 1e-9, "the flag wins over the file")
        XCTAssertEqual(config["activation"] as? String, "sigmoid", "the preset fills the rest")
        let steps = try DDPTrainProcess.metrics(run, type: "step")
        assertStepRecords(steps, steps: [1, 2], weights: (0...3).map { "model.\(2 * $0).weight" }, learningRate: 0.02)
    }

    /// A negative number is a value, not a flag: `--bias-init -0.25` sets the bias.
    func testNegativeNumbersAreValues() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        try runTrainer(tiny + ["--epochs", "1", "--bias-init", "-0.25", "--quiet", "--run-dir", dir.path])
        XCTAssertEqual(try runConfigJSON(dir)["biasInit"] as? Double, -0.25)
    }

    /// config.json is a config file: feeding it back reproduces the run exactly.
    func testResolvedConfigReplaysTheRun() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let first = dir.appendingPathComponent("first"), second = dir.appendingPathComponent("second")
        try runTrainer(tiny + ["--epochs", "3", "--seed", "5", "--shuffle", "--global-batch-size", "50", "--quiet",
                               "--run-dir", first.path])
        // config.json carries a "resolved" section of derived values; strip it to get the input.
        var config = try runConfigJSON(first)
        config["resolved"] = nil
        config["runDir"] = second.path
        let file = dir.appendingPathComponent("replay.json")
        try JSONSerialization.data(withJSONObject: config).write(to: file)
        try runTrainer(["--config", file.path, "--quiet"])
        let a = try DDPTrainProcess.metrics(first, type: "step").map { $0["loss"] as? Double }
        let b = try DDPTrainProcess.metrics(second, type: "step").map { $0["loss"] as? Double }
        XCTAssertEqual(a.count, 6)
        XCTAssertEqual(a, b, "same seed, same config: the same losses")
    }

    /// --save writes the trained weights and --init-from starts from them. Plain SGD keeps no
    /// optimizer state, so one epoch, saved and resumed for a second, is the two-epoch run.
    func testSavedWeightsResumeTraining() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let saved = dir.appendingPathComponent("out.safetensors")
        let whole = dir.appendingPathComponent("whole"), half = dir.appendingPathComponent("half")
        let resumed = dir.appendingPathComponent("resumed")
        try runTrainer(tiny + ["--epochs", "2", "--quiet", "--run-dir", whole.path])
        try runTrainer(tiny + ["--epochs", "1", "--quiet", "--save", saved.path, "--run-dir", half.path])
        try runTrainer(tiny + ["--epochs", "1", "--quiet", "--init-from", saved.path, "--run-dir", resumed.path])
        let expected = try DDPTrainProcess.metrics(whole, type: "step").map { $0["loss"] as? Double }
        let first = try DDPTrainProcess.metrics(half, type: "step").map { $0["loss"] as? Double }
        let second = try DDPTrainProcess.metrics(resumed, type: "step").map { $0["loss"] as? Double }
        XCTAssertEqual(expected.count, 2)
        XCTAssertEqual(first + second, expected)
    }
}
