import Foundation
import Training
import XCTest

/// `TrainingConfig.overlaying(json:)` and the presets: a config file changes exactly the fields
/// it names, and every mistake in it is one line naming the file and the field.
final class ConfigFileTests: XCTestCase {
    private func overlay(_ json: String, on base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
        try base.overlaying(json: Data(json.utf8), source: "run.json")
    }

    private func assertConfigError(_ json: String, contains expected: [String],
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try overlay(json), file: file, line: line) { error in
            XCTAssertTrue(error is ConfigError, "\(type(of: error))", file: file, line: line)
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
            for part in expected {
                XCTAssertTrue(message.contains(part), "'\(message)' should mention '\(part)'", file: file, line: line)
            }
        }
    }

    func testOverlayChangesOnlyTheNamedFields() throws {
        let base = try Preset.config(named: "seed-resnet1d")
        let c = try overlay(#"{"lr": 0.5, "epochs": 3, "activation": "tanh", "seed": 7, "shuffle": true}"#, on: base)
        XCTAssertEqual(c.lr, 0.5)
        XCTAssertEqual(c.epochs, 3)
        XCTAssertEqual(c.activation, .tanh)
        XCTAssertEqual(c.seed, 7)
        XCTAssertTrue(c.shuffle)
        var expected = base
        expected.lr = 0.5; expected.epochs = 3; expected.activation = .tanh; expected.seed = 7; expected.shuffle = true
        XCTAssertEqual(c, expected, "every other field keeps the preset's value")
    }

    func testOverlaySetsAndClearsOptionalFields() throws {
        let c = try overlay(#"{"batchSize": 16, "weightDecay": 0.001, "globalBatchSize": null}"#)
        XCTAssertEqual(c.batchSize, 16)
        XCTAssertEqual(c.weightDecay, 0.001)
        XCTAssertNil(c.globalBatchSize)
    }

    func testEmptyObjectChangesNothing() throws {
        let base = try Preset.config(named: "teacher-classification")
        XCTAssertEqual(try overlay("{}", on: base), base)
    }

    func testConfigRoundTripsThroughItsOwnJSON() throws {
        let base = try Preset.config(named: "seed-batch-lr")
        let json = try JSONEncoder().encode(base)
        XCTAssertEqual(try TrainingConfig().overlaying(json: json, source: "config.json"), base)
    }

    func testUnknownFieldSuggestsTheClosestName() {
        assertConfigError(#"{"learningRate": 0.1}"#, contains: ["run.json", "unknown field 'learningRate'"])
        assertConfigError(#"{"epoch": 3}"#, contains: ["unknown field 'epoch'", "did you mean 'epochs'"])
    }

    func testWrongTypeNamesTheFieldAndTheType() {
        assertConfigError(#"{"epochs": "ten"}"#, contains: ["run.json", "field 'epochs'", "an integer"])
        assertConfigError(#"{"shuffle": 3.5}"#, contains: ["field 'shuffle'"])
        assertConfigError(#"{"activation": 1}"#, contains: ["field 'activation'", "a string"])
    }

    func testNullForARequiredFieldIsRefused() {
        assertConfigError(#"{"lr": null}"#, contains: ["field 'lr'", "not null"])
    }

    func testMalformedJSONIsRefused() {
        assertConfigError(#"{"lr": 0.1,"#, contains: ["run.json", "not valid JSON"])
        assertConfigError("", contains: ["run.json", "not valid JSON"])
    }

    func testNonObjectIsRefused() {
        assertConfigError("[1, 2]", contains: ["run.json", "expected a JSON object"])
    }

    func testMissingConfigFileNamesThePath() {
        XCTAssertThrowsError(try TrainingConfig().overlaying(jsonFile: "/nonexistent/run.json")) {
            XCTAssertTrue("\($0)".contains("/nonexistent/run.json: cannot read the config file"), "\($0)")
        }
    }

    func testFieldNamesListEveryStoredProperty() {
        let names = TrainingConfig.fieldNames
        for name in ["preset", "seed", "lr", "globalBatchSize", "batchSize", "initializer", "logEvery", "comparison"] {
            XCTAssertTrue(names.contains(name), name)
        }
    }

    func testEveryPresetIsValidAndUnknownPresetsAreRefused() throws {
        for (name, _) in Preset.catalog {
            let c = try Preset.config(named: name)
            XCTAssertEqual(c.preset, name)
            XCTAssertNoThrow(try c.validate(), name)
        }
        XCTAssertThrowsError(try Preset.config(named: "seed-sigmoid")) {
            XCTAssertTrue("\($0)".contains("unknown preset 'seed-sigmoid'"), "\($0)")
            XCTAssertTrue("\($0)".contains("seed-sigmoid-mlp"), "lists the choices: \($0)")
        }
    }

    func testSeedPresetsMatchTheSeedExperiments() throws {
        let mlp = try Preset.config(named: "seed-sigmoid-mlp")
        XCTAssertEqual([mlp.depth, mlp.width, mlp.globalBatchSize, mlp.epochs], [10, 128, 100, 100])
        XCTAssertEqual([mlp.activation.rawValue, mlp.optimizer.rawValue, mlp.initializer.rawValue], ["sigmoid", "sgd", "torch-default"])
        XCTAssertEqual(mlp.lr, 0.01)
        let resnet = try Preset.config(named: "seed-resnet1d")
        XCTAssertEqual([resnet.model.rawValue, resnet.optimizer.rawValue], ["resnet1d", "adam"])
        XCTAssertEqual([resnet.depth, resnet.width, resnet.inputFeatures, resnet.sequenceLength], [10, 64, 3, 10])
        XCTAssertEqual(resnet.lr, 1e-3)
        let batchLR = try Preset.config(named: "seed-batch-lr")
        XCTAssertEqual(batchLR.comparison?.map(\.globalBatchSize), [16, 128])
        XCTAssertEqual(batchLR.comparison?.map(\.lr), [0.05, 0.001])
    }
}
