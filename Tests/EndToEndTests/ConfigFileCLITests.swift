import Foundation
import XCTest

/// `--config` with YAML as people write it, and `--print-config`, through the real binary.
final class ConfigFileCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try DDPTrainProcess.temporaryDirectory(self)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testPrintConfigRoundTripsAndDoesNotTrain() throws {
        let runDir = dir.appendingPathComponent("run")
        let yaml = try write("run.yaml", "global-batch-size: 20\nepochs: 2\nlrScaling: linear\ntargets: [val_loss<=0.3]\nval-fraction: 0.2\n")
        let printed = try runTrainer(["train", "--config", yaml, "--lr", "0.05", "--print-config", "--run-dir", runDir.path])
        XCTAssertTrue(printed.stdout.contains("global-batch-size: 20\n"), printed.stdout)
        XCTAssertTrue(printed.stdout.contains("lr: 0.05\n"), printed.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runDir.path), "--print-config must not train")

        let again = try runTrainer(["train", "--config", try write("printed.yaml", printed.stdout), "--print-config"])
        XCTAssertEqual(again.stdout, printed.stdout)
        // The printed file also trains as the configuration it describes.
        let trained = try runTrainer(["train", "--config", try write("printed.yml", printed.stdout), "--epochs", "1", "--quiet"])
        XCTAssertEqual(trained.status, 0)
        let config = try runConfigJSON(runDir)
        XCTAssertEqual(config["globalBatchSize"] as? Int, 20)
        XCTAssertEqual(config["lrScaling"] as? String, "linear")
    }

    func testOtherSubcommandsPrintTheirBaseConfig() throws {
        let printed = try runTrainer(["sweep", "--print-config", "--epochs", "4"])
        XCTAssertTrue(printed.stdout.contains("epochs: 4\n"), printed.stdout)
    }

    func testBadYAMLNamesTheFileAndTheLine() throws {
        let bad = try write("bad.yaml", "lr: 0.1\nepochs: [3\n")
        assertUserError(try DDPTrainProcess.run(["train", "--config", bad]), status: 2, contains: ["bad.yaml", "line 3"])
        let unknown = try write("unknown.yaml", "global-bach-size: 10\n")
        assertUserError(try DDPTrainProcess.run(["train", "--config", unknown]), status: 2,
                        contains: ["unknown field 'global-bach-size'", "did you mean 'global-batch-size'"])
    }
}
