import ConfigFiles
import Foundation
import Training
import XCTest

/// `TrainingConfig.overlaying(configFile:)`: YAML and JSON, either key spelling, one-line errors,
/// and hostile files refused without a crash.
final class ConfigFileReadingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ConfigFilesTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func read(_ name: String, _ text: String) throws -> TrainingConfig {
        try TrainingConfig().overlaying(configFile: try write(name, text))
    }

    private func message(_ name: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try read(name, text)
            XCTFail("\(name) should be refused", file: file, line: line)
            return ""
        } catch {
            XCTAssertTrue(error is ConfigError, "\(error)", file: file, line: line)
            XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)", file: file, line: line)
            return "\(error)"
        }
    }

    func testYAMLAndJSONWithEitherSpellingGiveTheSameConfig() throws {
        let camelJSON = try read("a.json", #"{"globalBatchSize": 20, "lr": 0.05, "bucketMB": 1.5, "minLR": 0.001, "shuffle": true, "activation": "relu", "targets": ["val_loss<=0.3"]}"#)
        let kebabJSON = try read("b.json", #"{"global-batch-size": 20, "lr": 0.05, "bucket-mb": 1.5, "min-lr": 0.001, "shuffle": true, "activation": "relu", "targets": ["val_loss<=0.3"]}"#)
        let camelYAML = try read("c.yaml", "globalBatchSize: 20\nlr: 0.05\nbucketMB: 1.5\nminLR: 0.001\nshuffle: true\nactivation: relu\ntargets: ['val_loss<=0.3']\n")
        let kebabYAML = try read("d.yml", """
            # as the flags are spelled
            global-batch-size: 20
            lr: 0.05
            bucket-mb: 1.5
            min-lr: 1e-3
            shuffle: yes
            activation: "relu"
            targets:
              - val_loss<=0.3
            """)
        XCTAssertEqual(camelJSON.globalBatchSize, 20)
        XCTAssertEqual(camelJSON.bucketMB, 1.5)
        XCTAssertNotEqual(camelJSON, TrainingConfig())
        for other in [kebabJSON, camelYAML, kebabYAML] { XCTAssertEqual(other, camelJSON) }
    }

    func testFormatComesFromTheExtensionOrTheContent() throws {
        XCTAssertEqual(try read("run.cfg", "epochs: 7\n").epochs, 7)
        XCTAssertEqual(try read("run.cfg", " {\"epochs\": 8}").epochs, 8)
        XCTAssertEqual(ConfigFileFormat.of(path: "x.YML", data: Data("{}".utf8)), .yaml)
    }

    func testYAMLSyntaxErrorNamesTheFileAndTheLine() {
        let text = message("bad.yaml", "lr: 0.1\nepochs: 3\nwidth: [1, 2\n")
        XCTAssertTrue(text.contains("bad.yaml"), text)
        XCTAssertTrue(text.contains("line 4") || text.contains("line 3"), text)
        let indented = message("bad2.yaml", "lr: 0.1\n  epochs: 3\n")
        XCTAssertTrue(indented.contains("bad2.yaml: line 2"), indented)
    }

    func testUnknownKeyNamesTheNearestValidKeyInTheUsersSpelling() {
        let kebab = message("u.yaml", "global-bach-size: 10\n")
        XCTAssertTrue(kebab.contains("'global-bach-size'") && kebab.contains("did you mean 'global-batch-size'"), kebab)
        let camel = message("u.yaml", "globalBachSize: 10\n")
        XCTAssertTrue(camel.contains("did you mean 'globalBatchSize'"), camel)
        let twice = message("t.json", #"{"lr": 0.1, "global-batch-size": 10, "globalBatchSize": 20}"#)
        XCTAssertTrue(twice.contains("same field"), twice)
    }

    func testValuesAreCheckedAsInJSON() {
        let wrongType = message("w.yaml", "epochs: many\n")
        XCTAssertTrue(wrongType.contains("w.yaml: field 'epochs' must be an integer"), wrongType)
        let choice = message("c.yaml", "activation: relux\n")
        XCTAssertTrue(choice.contains("activation 'relux' is not one of"), choice)
        XCTAssertTrue(message("l.yaml", "- lr\n- 0.1\n").contains("expected a YAML mapping"))
    }

    func testHostileYAMLIsRefusedCleanly() throws {
        let deep = message("deep.yaml", "a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n")
        XCTAssertTrue(deep.contains("deep.yaml"), deep)
        let nested = message("nested.yaml", "lr: " + String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40) + "\n")
        XCTAssertTrue(nested.contains("nested deeper than"), nested)
        // Nine levels of nine aliases each: 9⁹ values once expanded.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        let expanded = message("bomb.yaml", bomb)
        XCTAssertTrue(expanded.contains("bomb.yaml") && (expanded.contains("values") || expanded.contains("alias")), expanded)
        let huge = message("huge.yaml", "# " + String(repeating: "x", count: 2 << 20) + "\nlr: 0.1\n")
        XCTAssertTrue(huge.contains("bytes"), huge)
        XCTAssertTrue(message("nan.yaml", "lr: .nan\n").contains("finite"))
    }

    func testPrintedYAMLReadsBackAsTheSameConfig() throws {
        var config = try Preset.config(named: "seed-sigmoid-mlp")
        config.lr = 0.05
        config.weightDecay = 0.001
        config.valFraction = 0.2
        config.targets = [try TrainingTarget(parsing: "val_loss<=0.3")]
        config.evalSchedule = try EvaluationSchedule(parsing: "geometric:0.05")
        config.runDir = "true"  // a string that YAML would read as a boolean if it were not quoted
        let yaml = try ConfigYAMLWriter.yaml(of: config)
        XCTAssertTrue(yaml.contains("global-batch-size: "), yaml)
        XCTAssertFalse(yaml.contains("globalBatchSize"), yaml)
        XCTAssertFalse(yaml.contains("clip-grad-norm"), "unset optionals are left out:\n\(yaml)")
        let keys = yaml.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("-") }.map { String($0.prefix { $0 != ":" }) }
        XCTAssertEqual(keys, keys.sorted())
        XCTAssertEqual(try read("printed.yaml", yaml), config)
        XCTAssertEqual(try TrainingConfig().overlaying(configFile: try write("printed.yaml", yaml)), config)
    }
}
