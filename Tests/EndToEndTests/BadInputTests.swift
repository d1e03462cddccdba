import Foundation
import XCTest

/// Every kind of bad input ends the run with a non-zero exit and one error line that names
/// the problem, never a crash or a stack trace.
final class BadInputTests: XCTestCase {
    private var dir: URL!
    private let tiny = ["--depth", "3", "--width", "8", "--epochs", "1", "--quiet"]

    override func setUpWithError() throws {
        dir = try DDPTrainProcess.temporaryDirectory(self)
    }

    private func file(_ name: String) -> URL { dir.appendingPathComponent(name) }

    private func run(_ arguments: [String]) throws -> DDPTrainProcess.Result {
        try DDPTrainProcess.run(arguments + ["--run-dir", file("run").path])
    }

    /// Valid inputs/targets for the seed MLP: [n, 10] and [n, 1].
    private func writeData(samples n: Int = 8, targets t: Int? = nil) throws -> (URL, URL) {
        let x = file("x.npy"), y = file("y.npy")
        try writeNumPy((0..<(n * 10)).map { Float($0 % 7) / 7 }, shape: [n, 10], to: x)
        try writeNumPy((0..<(t ?? n)).map { Float($0) / 8 }, shape: [t ?? n, 1], to: y)
        return (x, y)
    }

    // MARK: Flags

    func testUnknownPreset() throws {
        assertUserError(try run(["--preset", "seed-sigmoid"]), status: 2,
                        contains: ["unknown preset 'seed-sigmoid'", "seed-sigmoid-mlp"])
    }

    func testUnknownFlag() throws {
        assertUserError(try run(["--learning-rate", "0.1"]), contains: ["--learning-rate"])
    }

    func testBadFlagValues() throws {
        assertUserError(try run(tiny + ["--activation", "swish"]), status: 2,
                        contains: ["--activation 'swish' is not one of", "relu"])
        assertUserError(try run(tiny + ["--lr=-1"]), status: 2, contains: ["--lr", "-1"])
        assertUserError(try run(tiny + ["--lr", "-1"]), status: 2, contains: ["--lr must be", "-1"])
        assertUserError(try run(["--epochs", "0"]), status: 2, contains: ["--epochs must be at least 1, got 0"])
        assertUserError(try run(["--epochs", "ten"]), contains: ["--epochs", "ten"])
        assertUserError(try run(tiny + ["--optimizer", "lbfgs"]), status: 2, contains: ["--optimizer 'lbfgs'"])
        assertUserError(try run(tiny + ["--val-fraction", "1.5"]), status: 2, contains: ["--val-fraction"])
        // Loss and task that do not fit would read past the targets in a release build.
        assertUserError(try run(tiny + ["--loss", "cross-entropy"]), status: 2,
                        contains: ["--loss cross-entropy needs --task classification"])
        assertUserError(try run(tiny + ["--val-fraction", "0.2", "--val-inputs", "vx.npy", "--val-targets", "vy.npy"]),
                        status: 2, contains: ["--val-fraction and --val-inputs/--val-targets both give a validation set"])
        assertUserError(try run(tiny + ["--val-inputs", "vx.npy"]), status: 2,
                        contains: ["validation files need both --val-inputs X.npy and --val-targets Y.npy"])
    }

    // MARK: Config files

    func testMalformedConfigJSON() throws {
        try Data(#"{"lr": 0.1,"#.utf8).write(to: file("bad.json"))
        assertUserError(try run(["--config", file("bad.json").path]), status: 2, contains: ["bad.json", "not valid JSON"])
    }

    func testUnknownConfigField() throws {
        try Data(#"{"epoch": 3}"#.utf8).write(to: file("typo.json"))
        assertUserError(try run(["--config", file("typo.json").path]), status: 2,
                        contains: ["typo.json", "unknown field 'epoch'", "did you mean 'epochs'"])
    }

    func testConfigFieldOfWrongTypeOrValue() throws {
        try Data(#"{"epochs": "3"}"#.utf8).write(to: file("type.json"))
        assertUserError(try run(["--config", file("type.json").path]), status: 2, contains: ["type.json", "'epochs'", "integer"])
        try Data(#"{"activation": "swish"}"#.utf8).write(to: file("value.json"))
        assertUserError(try run(["--config", file("value.json").path]), status: 2, contains: ["'swish'"])
    }

    /// A choice setting with a value outside its set, in a config file or as a flag: exit 2 and
    /// one line naming the key (or flag) and every valid value, before any data is read.
    func testBadChoiceValueInConfigFileOrFlag() throws {
        let activations = "sigmoid, tanh, relu, leaky-relu, elu, gelu"
        try Data(#"{"activation": "relux"}"#.utf8).write(to: file("choice.json"))
        let fromFile = try run(["--config", file("choice.json").path])
        assertUserError(fromFile, status: 2, contains: ["choice.json", "activation 'relux' is not one of: \(activations)"])
        XCTAssertEqual(fromFile.stderr.split(separator: "\n").count, 1, fromFile.stderr)

        for arguments in [["--activation", "relux"], ["--activation=relux"]] {
            let fromFlag = try run(tiny + arguments)
            assertUserError(fromFlag, status: 2, contains: ["--activation 'relux' is not one of: \(activations)"])
            XCTAssertEqual(fromFlag.stderr.split(separator: "\n").count, 1, fromFlag.stderr)
        }
        assertUserError(try run(tiny + ["--init", "he"]), status: 2,
                        contains: ["--init 'he' is not one of: torch-default, kaiming-normal, kaiming-uniform, xavier-normal, xavier-uniform"])
        assertUserError(try run(tiny + ["--lr-scaling", "cubic"]), status: 2, contains: ["--lr-scaling 'cubic' is not one of: none, linear, sqrt"])
        assertUserError(try run(tiny + ["--init-gain", "swish"]), status: 2,
                        contains: ["--init-gain 'swish' is not one of: linear, relu, leaky_relu, tanh, sigmoid, selu"])
        // The same mistake with a missing data file: the setting is reported, not the file.
        assertUserError(try run(["--config", file("choice.json").path, "--inputs", file("none.npy").path]), status: 2,
                        contains: ["activation 'relux'"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("run").path), "nothing was written")
    }

    /// Spellings that were valid before the settings were typed still are.
    func testChoiceAliasesAndEverySpellingStillParse() throws {
        try runTrainer(tiny + ["--init", "kaiming-normal", "--init-gain", "identity", "--init-mode", "fan_out",
                               "--activation", "leaky-relu", "--schedule", "step", "--lr-scaling", "sqrt",
                               "--grad-compression", "bf16", "--optimizer", "adamw", "--run-dir", file("ok").path])
        let config = try runConfigJSON(file("ok"))
        XCTAssertEqual(config["initGainNonlinearity"] as? String, "linear")
        XCTAssertEqual(config["activation"] as? String, "leaky-relu")
        XCTAssertEqual(config["initMode"] as? String, "fan_out")
        XCTAssertEqual(config["lrScaling"] as? String, "sqrt")
    }

    func testMissingConfigFile() throws {
        assertUserError(try run(["--config", file("none.json").path]), status: 2, contains: ["none.json", "cannot read"])
    }

    // MARK: Data files

    func testMissingDataFile() throws {
        let (_, y) = try writeData()
        assertUserError(try run(tiny + ["--inputs", file("missing.npy").path, "--targets", y.path]), status: 1,
                        contains: ["missing.npy"])
    }

    /// A resnet1d classifier on [N, L] sequences of the wrong length: the error names the
    /// length, not the model (which can classify sequences since issue 16).
    func testSequenceLengthMismatchIsNamed() throws {
        let x = file("seq_x.npy"), y = file("seq_y.npy")
        try writeNumPy((0..<(8 * 12)).map { Float($0 % 5) }, shape: [8, 12], to: x)
        try writeNumPy((0..<8).map { Float($0 % 3) }, shape: [8], to: y)
        assertUserError(try run(tiny + ["--model", "resnet1d", "--task", "classification", "--outputs", "3",
                                        "--input-features", "1", "--sequence-length", "10",
                                        "--inputs", x.path, "--targets", y.path]),
                        status: 1, contains: ["the input sequences have length 12 but --sequence-length is 10"])
    }

    /// Validation files whose samples differ from the training data's: the error names the file.
    func testValidationFileShapesMustMatchTheTrainingData() throws {
        let (x, y) = try writeData()
        let vx = file("vx.npy"), vy = file("vy.npy")
        try writeNumPy((0..<(4 * 9)).map { Float($0) / 36 }, shape: [4, 9], to: vx)
        try writeNumPy((0..<4).map { Float($0) / 4 }, shape: [4, 1], to: vy)
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", y.path, "--val-inputs", vx.path, "--val-targets", vy.path]),
                        status: 1, contains: ["vx.npy", "validation samples have shape [9]", "[10]"])
        let wideTargets = file("vy2.npy")
        try writeNumPy((0..<8).map { Float($0) / 8 }, shape: [4, 2], to: wideTargets)
        try writeNumPy((0..<(4 * 10)).map { Float($0) / 40 }, shape: [4, 10], to: vx)
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", y.path, "--val-inputs", vx.path,
                                        "--val-targets", wideTargets.path]),
                        status: 1, contains: ["vy2.npy", "validation targets have shape [2]", "[1]"])
    }

    /// A real-data preset without its files says how to make them, in one line.
    func testRealDataPresetWithoutItsFilesSaysHowToMakeThem() throws {
        let result = try DDPTrainProcess.run(["--preset", "mnist1d-mlp", "--epochs", "1", "--run-dir", file("run").path],
                                             extraEnvironment: ["DDP_TRAIN_DATA": file("no-data").path])
        assertUserError(result, status: 1, contains: ["no-data/mnist1d_train_x.npy does not exist",
                                                      "python3 scripts/data/make_datasets.py"])
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    func testDataFilesMustComeInPairs() throws {
        let (x, y) = try writeData()
        assertUserError(try run(tiny + ["--inputs", x.path]), status: 2, contains: ["--targets"])
        // Half a pair is an error, not a reason to train on generated data instead.
        assertUserError(try run(tiny + ["--targets", y.path]), status: 2, contains: ["npy data needs both --inputs"])
        assertUserError(try run(tiny + ["--target-column", "y"]), status: 2, contains: ["csv data needs both --csv"])
    }

    func testUnreadableDataFile() throws {
        let (x, y) = try writeData()
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: x.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: x.path) }
        if FileManager.default.isReadableFile(atPath: x.path) {
            throw XCTSkip("running as root: permissions do not block reads")
        }
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", y.path]), status: 1, contains: ["x.npy"])
    }

    func testMalformedNumPy() throws {
        let (_, y) = try writeData()
        try Data("\u{93}NUMPY garbage that is not a header".utf8).write(to: file("bad.npy"))
        assertUserError(try run(tiny + ["--inputs", file("bad.npy").path, "--targets", y.path]), status: 1, contains: ["bad.npy"])
        // A header promising more data than the file holds.
        let truncated = try Data(contentsOf: y).dropLast(8)
        try truncated.write(to: file("short.npy"))
        let (x, _) = try writeData()
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", file("short.npy").path]), status: 1,
                        contains: ["short.npy"])
    }

    func testNaNInData() throws {
        let (x, _) = try writeData()
        try writeNumPy([0, 1, 2, .nan, 4, 5, 6, 7], shape: [8, 1], to: file("nan.npy"))
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", file("nan.npy").path]), status: 1,
                        contains: ["nan.npy", "element 3", "NaN"])
        try writeNumPy([0, 1, .infinity, 3, 4, 5, 6, 7], shape: [8, 1], to: file("inf.npy"))
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", file("inf.npy").path]), status: 1,
                        contains: ["inf.npy", "element 2"])
    }

    func testMismatchedSampleCounts() throws {
        let (x, y) = try writeData(samples: 8, targets: 6)
        assertUserError(try run(tiny + ["--inputs", x.path, "--targets", y.path]), status: 1,
                        contains: ["x.npy has 8 samples", "y.npy has 6"])
    }

    func testEmptyDataFiles() throws {
        try writeNumPy([], shape: [0, 10], to: file("x0.npy"))
        try writeNumPy([], shape: [0, 1], to: file("y0.npy"))
        assertUserError(try run(tiny + ["--inputs", file("x0.npy").path, "--targets", file("y0.npy").path]), status: 1,
                        contains: ["y0.npy", "no samples"])
    }

    func testDataOfTheWrongShape() throws {
        let (_, y) = try writeData()
        try writeNumPy([Float](repeating: 0.5, count: 40), shape: [8, 5], to: file("narrow.npy"))
        assertUserError(try run(tiny + ["--inputs", file("narrow.npy").path, "--targets", y.path]), status: 1,
                        contains: ["shape [5]", "expects [10]", "--input-features"])
    }

    func testRunDirectoryThatCannotBeCreated() throws {
        try Data("a file, not a directory".utf8).write(to: file("plain"))
        let result = try DDPTrainProcess.run(tiny + ["--run-dir", file("plain").appendingPathComponent("run").path])
        assertUserError(result, status: 1, contains: ["plain/run", "cannot create the run directory"])
    }

    // MARK: Weights files

    func testMissingWeightsFile() throws {
        assertUserError(try run(tiny + ["--init-from", file("none.safetensors").path]), status: 1,
                        contains: ["none.safetensors"])
    }

    func testMalformedWeightsFile() throws {
        try Data([200, 0, 0, 0, 0, 0, 0, 0] + Array("{not json".utf8)).write(to: file("bad.safetensors"))
        assertUserError(try run(tiny + ["--init-from", file("bad.safetensors").path]), status: 1,
                        contains: ["bad.safetensors"])
    }

    func testWeightsOfAnotherArchitecture() throws {
        let weights = DDPTrainProcess.fixture("seed_mlp_init.safetensors").path
        // The fixture is the full seed MLP (depth 10, width 128); this model is depth 3, width 8.
        let result = try run(tiny + ["--init-from", weights])
        assertUserError(result, status: 1, contains: ["seed_mlp_init.safetensors", "does not fit the model",
                                                      "unexpected model.",
                                                      "model.0.weight: file has shape [128, 10], model has [8, 10]"])
        // Same depth, other width: only shapes differ.
        assertUserError(try run(["--epochs", "1", "--width", "64", "--quiet", "--init-from", weights]), status: 1,
                        contains: ["model.2.weight: file has shape [128, 128], model has [64, 64]"])
    }

    // MARK: Distribution

    func testGlobalBatchThatDoesNotDivideAcrossRanks() throws {
        let result = try DDPTrainProcess.mpirun(ranks: 2, tiny + ["--global-batch-size", "5", "--run-dir", file("run").path])
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stderr.contains("global batch size 5 does not divide across 2 ranks"), result.output)
        XCTAssertFalse(result.output.contains("Fatal error"), result.output)
    }
}
