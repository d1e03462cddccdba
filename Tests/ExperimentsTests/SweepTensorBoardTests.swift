import Foundation
import XCTest
@testable import Experiments
import Reporting
import Training

/// What a sweep with `--tensorboard DIR` puts in the HParams dashboard: each point's
/// hyperparameters typed as the dashboard needs them, the experiment's columns, and where
/// each point logs.
final class SweepTensorBoardTests: XCTestCase {
    func testHyperparametersKeepTheirJSONTypesAndLeaveOutTheRunDirectory() throws {
        var config = try Preset.config(named: "seed-batch-lr")
        config.runDir = "runs/x"
        config.targets = [try TrainingTarget(parsing: "val_loss<=1")]
        let values = Dictionary(uniqueKeysWithValues: RunHParams.hyperparameters(config, ranks: 2).map { ($0.name, $0.value) })
        XCTAssertEqual(values["ranks"], .number(2))
        XCTAssertEqual(values["lr"], .number(0.05), "the learning rate as config.json writes it, not widened from Float")
        XCTAssertEqual(values["activation"], .string("relu"))
        XCTAssertEqual(values["residual"], .bool(false), "a bool stays a bool, not the number 0")
        XCTAssertEqual(values["targets"], .string(#"["val_loss<=1"]"#), "lists become their JSON text")
        XCTAssertNil(values["runDir"])
        XCTAssertNil(values["csvPath"], "null fields are left out")
        let names = RunHParams.hyperparameters(config, ranks: 1).map(\.name)
        XCTAssertEqual(names, names.sorted(), "sorted, as protobuf's deterministic map order")
    }

    func testExperimentNamesTheSweptColumnsAndTheFinalMetrics() throws {
        var base = try Preset.config(named: "seed-batch-lr")
        base.targets = [try TrainingTarget(parsing: "val_loss<=1")]
        base.valFraction = 0.2
        let plan = try SweepPlan(base: base, grid: SweepGrid(flags: ["lr=0.05,0.001", "activation=relu,tanh", "ranks=1,2"]))
        let expected = HParamsPluginData.experiment(
            hparams: [("lr", .number(0)), ("activation", .string("")), ("ranks", .number(0))],
            metrics: ["final/train_loss", "final/val_loss", "final/val_accuracy", "final/steps", "target/val_loss_step"])
        XCTAssertEqual(SweepTensorBoard.experimentContent(plan), expected)
    }

    func testEachPointLogsToItsOwnSubdirectoryOutsideTheFingerprint() throws {
        let plan = try SweepPlan(base: try Preset.config(named: "seed-batch-lr"), grid: SweepGrid(flags: ["lr=0.05,0.001"]))
        var launcher = SweepLauncher(executable: "/bin/ddp-train", launcher: "mpirun")
        let before = launcher.fingerprint(for: plan.points[0])
        launcher.tensorboardRoot = "tb"
        let arguments = launcher.command(for: plan.points[0], configPath: "c.json", runDirectory: "r").arguments
        XCTAssertEqual(Array(arguments.suffix(2)), ["--tensorboard", "tb/" + plan.points[0].name])
        XCTAssertEqual(launcher.fingerprint(for: plan.points[0]), before, "moving the logs must not re-run finished points")
    }
}
