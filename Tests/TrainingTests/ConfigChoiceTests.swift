import Collectives
import Foundation
import NN
import Training
import XCTest

/// The typed choice settings (`ConfigChoice`): their spellings are the strings configurations
/// have always held, decoding refuses anything else by field name with the valid values, and
/// each maps onto the NN / data-parallel type it selects.
final class ConfigChoiceTests: XCTestCase {
    /// One choice field: its JSON key, every spelling in order, and how to set and read it.
    private struct Field {
        var key: String
        var spellings: [String]
        var set: (inout TrainingConfig, String) -> Void
        var get: (TrainingConfig) -> String?

        init<T: ConfigChoice>(_ key: String, _ path: WritableKeyPath<TrainingConfig, T>, _ spellings: [String]) {
            self.key = key
            self.spellings = spellings
            set = { c, s in c[keyPath: path] = T(rawValue: s)! }
            get = { $0[keyPath: path].rawValue }
            XCTAssertEqual(T.allCases.map(\.rawValue), spellings, key)
        }

        init<T: ConfigChoice>(_ key: String, _ path: WritableKeyPath<TrainingConfig, T?>, _ spellings: [String]) {
            self.key = key
            self.spellings = spellings
            set = { c, s in c[keyPath: path] = T(rawValue: s)! }
            get = { $0[keyPath: path]?.rawValue }
            XCTAssertEqual(T.allCases.map(\.rawValue), spellings, key)
        }
    }

    /// Every choice field with the spellings the string-typed configuration accepted.
    private let fields: [Field] = [
        Field("model", \.model, ["mlp", "resnet1d"]),
        Field("activation", \.activation, ["sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu"]),
        Field("initializer", \.initializer, ["torch-default", "kaiming-normal", "kaiming-uniform", "xavier-normal", "xavier-uniform"]),
        Field("initMode", \.initMode, ["fan_in", "fan_out"]),
        Field("initGainNonlinearity", \.initGainNonlinearity, ["linear", "relu", "leaky_relu", "tanh", "sigmoid", "selu"]),
        Field("dataset", \.dataset, ["seed-random", "teacher", "npy", "csv"]),
        Field("task", \.task, ["regression", "classification"]),
        Field("loss", \.loss, ["mse", "cross-entropy", "bce"]),
        Field("optimizer", \.optimizer, ["sgd", "adam", "adamw", "rmsprop"]),
        Field("schedule", \.schedule, ["constant", "step", "cosine"]),
        Field("lrScaling", \.lrScaling, ["none", "linear", "sqrt"]),
        Field("gradCompression", \.gradCompression, ["none", "fp16", "bf16"]),
    ]

    private func jsonObject(_ config: TrainingConfig) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
    }

    /// Every case of every field encodes as its old string under the same key, decodes back to
    /// the same configuration, and interpolates as the same text.
    func testEveryCaseRoundTripsAsItsSpelling() throws {
        let defaultKeys = Set(try jsonObject(TrainingConfig()).keys)
        for field in fields {
            for spelling in field.spellings {
                var config = TrainingConfig()
                field.set(&config, spelling)
                let object = try jsonObject(config)
                XCTAssertEqual(object[field.key] as? String, spelling, field.key)
                XCTAssertEqual(Set(object.keys), defaultKeys.union([field.key]), "\(field.key) \(spelling): the same keys")
                let decoded = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config))
                XCTAssertEqual(decoded, config, "\(field.key) \(spelling)")
                XCTAssertEqual(field.get(decoded), spelling)
                let overlaid = try TrainingConfig().overlaying(json: Data(#"{"\#(field.key)": "\#(spelling)"}"#.utf8), source: "c.json")
                XCTAssertEqual(overlaid, config, "a config file with \(field.key) '\(spelling)'")
            }
        }
        XCTAssertEqual("\(ActivationChoice.leakyRelu)", "leaky-relu")
        XCTAssertEqual("\(InitializerChoice.torchDefault) \(InitModeChoice.fanOut) \(LossFunction.crossEntropy)",
                       "torch-default fan_out cross-entropy")
    }

    /// The default configuration's JSON is what the string-typed one wrote, key for key.
    func testDefaultConfigJSONIsUnchanged() throws {
        let object = try jsonObject(TrainingConfig())
        let expected: [String: String] = [
            "model": "mlp", "activation": "sigmoid", "initializer": "torch-default", "initMode": "fan_in",
            "dataset": "seed-random", "task": "regression", "optimizer": "sgd", "schedule": "constant",
            "lrScaling": "none", "gradCompression": "none", "preset": "seed-sigmoid-mlp",
        ]
        for (key, value) in expected { XCTAssertEqual(object[key] as? String, value, key) }
        XCTAssertNil(object["loss"], "an unset optional stays absent")
        XCTAssertNil(object["initGainNonlinearity"])
        XCTAssertEqual(Set(object.keys), Set(TrainingConfig.fieldNames).subtracting(
            ["initGainNonlinearity", "biasInit", "inputsPath", "targetsPath", "csvPath", "targetColumn", "loss",
             "weightDecay", "batchSize", "clipGradNorm", "baseBatchSize", "runDir", "comparison",
             "evalSchedule", "targets", "maxSteps", "valInputsPath", "valTargetsPath"]))
    }

    /// A value outside a field's set is one line naming the file, the field and every valid value.
    func testUnknownValueNamesTheFieldAndTheValidValues() {
        for field in fields {
            let json = Data(#"{"\#(field.key)": "relux"}"#.utf8)
            XCTAssertThrowsError(try TrainingConfig().overlaying(json: json, source: "run.json"), field.key) { error in
                XCTAssertTrue(error is ConfigError, "\(type(of: error))")
                XCTAssertEqual("\(error)", "run.json: \(field.key) 'relux' is not one of: \(field.spellings.joined(separator: ", "))")
            }
        }
        // Decoding outside a config file says the same.
        XCTAssertThrowsError(try JSONDecoder().decode([String: ActivationChoice].self, from: Data(#"{"activation": "relux"}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("activation 'relux' is not one of: sigmoid, tanh, relu, leaky-relu, elu, gelu"), "\($0)")
        }
        // The type of the value is still checked first.
        XCTAssertThrowsError(try TrainingConfig().overlaying(json: Data(#"{"optimizer": 3}"#.utf8), source: "run.json")) {
            XCTAssertEqual("\($0)", "run.json: field 'optimizer' must be a string")
        }
    }

    /// The gain names `Initializer.gain(for:)` always accepted still read, as their canonical name.
    func testGainAliasesReadAsTheirCanonicalName() throws {
        for (alias, canonical) in [("identity", InitGainChoice.linear), ("conv1d", .linear), ("leaky-relu", .leakyRelu)] {
            let c = try TrainingConfig().overlaying(json: Data(#"{"initGainNonlinearity": "\#(alias)"}"#.utf8), source: "c.json")
            XCTAssertEqual(c.initGainNonlinearity, canonical, alias)
            XCTAssertEqual(try jsonObject(c)["initGainNonlinearity"] as? String, canonical.rawValue)
            XCTAssertEqual(Initializer.gain(for: alias), canonical.gain, alias)
        }
        XCTAssertNil(InitGainChoice(spelling: "swish"))
    }

    /// Each choice maps to the NN or data-parallel value the string used to parse to.
    func testChoicesMapToTheTypesTheyName() {
        XCTAssertEqual(ActivationChoice.validValues, ActivationKind.allNames)
        for a in ActivationChoice.allCases { XCTAssertEqual(a.kind, ActivationKind(name: a.rawValue), a.rawValue) }
        XCTAssertEqual(InitializerChoice.validValues, Initializer.allNames)
        for i in InitializerChoice.allCases {
            for mode in InitModeChoice.allCases {
                for gain in [nil] + InitGainChoice.allCases {
                    XCTAssertEqual(i.initializer(mode: mode.fanMode, gain: gain?.gain),
                                   Initializer(name: i.rawValue, mode: mode.fanMode, gain: gain.flatMap { Initializer.gain(for: $0.rawValue) }),
                                   "\(i) \(mode) \(gain.map(\.rawValue) ?? "nil")")
                }
            }
        }
        for mode in InitModeChoice.allCases { XCTAssertEqual(mode.fanMode.rawValue, mode.rawValue) }
        for g in InitGainChoice.allCases { XCTAssertEqual(g.gain, Initializer.gain(for: g.rawValue), g.rawValue) }
        XCTAssertEqual(ScheduleChoice.validValues, LearningRateSchedule.allNames)
        for c in GradCompressionChoice.allCases { XCTAssertEqual(c.compression.rawValue, c.rawValue) }
    }

    /// A run checks its configuration before it reads any data: a bad setting is reported, not
    /// the missing data file.
    func testRunValidatesBeforeReadingData() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        var config = TrainingConfig()
        config.dataset = .npy
        config.inputsPath = dir.appendingPathComponent("missing-x.npy").path
        config.targetsPath = dir.appendingPathComponent("missing-y.npy").path
        config.epochs = 0
        config.runDir = dir.appendingPathComponent("run").path
        XCTAssertThrowsError(try TrainingRun.execute(config, options: RunOptions(quiet: true),
                                                     communicator: SingleProcessCommunicator())) {
            XCTAssertEqual("\($0)", "--epochs must be at least 1, got 0")
        }
        config.epochs = 1
        XCTAssertThrowsError(try TrainingRun.execute(config, options: RunOptions(quiet: true),
                                                     communicator: SingleProcessCommunicator())) {
            XCTAssertTrue("\($0)".contains("missing-x.npy"), "with a valid config the data is read: \($0)")
        }
    }
}
