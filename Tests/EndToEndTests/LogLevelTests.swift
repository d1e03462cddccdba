import Experiments
import Foundation
import Training
import XCTest

/// `--log-level` through the real executable: debug and trace lines on standard error, labelled
/// by rank under real mpirun, standard output untouched, warnings silenced by `error`, a bad
/// value refused, and sweeps passing the level to their points.
final class LogLevelTests: XCTestCase {
    /// A small, fast run: 1,638 training samples, 13 optimizer steps, a validation split.
    private let teacher = ["--preset", "teacher-regression", "--epochs", "1"]

    /// Standard output without what varies from run to run (throughput, step times) and with
    /// `directory` written as `<dir>`.
    private func comparable(_ stdout: String, directory: URL) -> [String] {
        stdout.replacingOccurrences(of: directory.path, with: "<dir>").split(separator: "\n").map(String.init)
            .filter { !$0.contains("samples/s") && !$0.hasPrefix("Time per step") }
    }

    func testDebugAtOneRankWritesDebugLinesToStandardErrorAndLeavesStandardOutputAlone() throws {
        let plain = try DDPTrainProcess.temporaryDirectory(self), debug = try DDPTrainProcess.temporaryDirectory(self)
        func arguments(_ dir: URL) -> [String] {
            teacher + ["--run-dir", dir.appendingPathComponent("run").path, "--checkpoint-dir", dir.appendingPathComponent("ck").path]
        }
        let normal = try runTrainer(arguments(plain))
        let verbose = try runTrainer(arguments(debug) + ["--log-level", "debug"])
        XCTAssertEqual(normal.stderr, "", "nothing is logged at the default level")
        let expected = comparable(normal.stdout, directory: plain)
        XCTAssertTrue(expected.contains("Run directory: <dir>/run"), normal.stdout)
        XCTAssertGreaterThan(expected.count, 10, normal.stdout)
        XCTAssertEqual(comparable(verbose.stdout, directory: debug), expected, "--log-level changes no line of standard output")

        let lines = verbose.stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("ddp-train: debug: ") }, "one rank: no rank label:\n\(verbose.stderr)")
        for expected in ["ddp-train: debug: communicator: rank 0 of 1, all ranks on a single node",
                         "ddp-train: debug: data loaded: 1638 training samples, 410 validation samples, in ",
                         "ddp-train: debug: gradient buckets: 1 of up to 26214400 bytes, 52996 bytes in all",
                         "ddp-train: debug: evaluation seconds=",
                         "ddp-train: debug: checkpoint at step 13: wrote \(debug.path)/ck/step-00000013 in "] {
            XCTAssertEqual(lines.filter { $0.hasPrefix(expected) }.count, 1, "one '\(expected)…' line in:\n\(verbose.stderr)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("ddp-train: debug: evaluation ") && $0.contains(" step=13 val_loss=") },
                      verbose.stderr)
        XCTAssertFalse(verbose.stderr.contains("trace:"), "trace lines need --log-level trace")
    }

    func testTraceAddsOneLinePerStepWithItsPhaseTimings() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try runTrainer(teacher + ["--quiet", "--run-dir", dir.path, "--log-level", "trace"])
        let steps = result.stderr.split(separator: "\n").filter { $0.hasPrefix("ddp-train: trace: step ") }
        XCTAssertEqual(steps.count, 13, result.stderr)
        for (index, line) in steps.enumerated() {
            XCTAssertTrue(line.hasPrefix("ddp-train: trace: step \(index + 1) (epoch 1, \(index + 1)/13): forward "), String(line))
            for part in [" ms, backward ", " ms, gradient sync ", " ms, optimizer ", " ms on this rank; loss "] {
                XCTAssertTrue(line.contains(part), "'\(line)' lacks '\(part)'")
            }
        }
        XCTAssertTrue(result.stderr.contains("ddp-train: debug: data loaded"), "trace includes debug:\n\(result.stderr)")
    }

    /// Every rank logs with its rank; rank 0's warning keeps the form users already read.
    func testTwoRanksUnderMPIRunLabelTheirLinesAndRankZerosWarningStaysUnlabelled() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        // 819 samples per rank in batches of 64: 13 micro-batches, so 1 does not fill a group of 4.
        let result = try DDPTrainProcess.mpirun(ranks: 2, teacher + ["--quiet", "--run-dir", dir.path, "--accumulate-steps", "4",
                                                                     "--log-level", "debug"])
        XCTAssertEqual(result.status, 0, result.output)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        for rank in 0..<2 {
            for expected in ["communicator: rank \(rank) of 2, all ranks on a single node", "data loaded: 1638 training samples",
                             "gradient buckets: 1 of", "evaluation "] {
                let prefix = "ddp-train[rank \(rank)]: debug: " + expected
                XCTAssertEqual(lines.filter { $0.hasPrefix(prefix) }.count, 1, "one '\(prefix)…' line in:\n\(result.stderr)")
            }
        }
        XCTAssertFalse(result.stderr.contains("ddp-train: debug:"), "every debug line names its rank:\n\(result.stderr)")
        let warnings = lines.filter { $0.contains("warning:") }
        XCTAssertEqual(warnings.count, 1, "rank 0 warns for the job:\n\(result.stderr)")
        XCTAssertTrue(warnings.first?.hasPrefix("ddp-train: warning: 1 micro-batch(es) per epoch on each rank") ?? false,
                      result.stderr)
    }

    func testLogLevelErrorSilencesAWarningTheDefaultPrints() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let arguments = teacher + ["--accumulate-steps", "4", "--run-dir", dir.path]
        let normal = try runTrainer(arguments)
        XCTAssertTrue(normal.stderr.hasPrefix("ddp-train: warning: 1 micro-batch(es) per epoch on each rank do not fill "
                                              + "an accumulation group of 4"), normal.stderr)
        XCTAssertEqual(normal.stderr.split(separator: "\n").count, 1, normal.stderr)
        let warningLevel = try runTrainer(arguments + ["--log-level", "warning"])
        XCTAssertEqual(warningLevel.stderr, normal.stderr, "warning still shows warnings")

        let silent = try runTrainer(arguments + ["--log-level", "error"])
        XCTAssertEqual(silent.stderr, "", "--log-level error silences warnings")
        XCTAssertEqual(comparable(silent.stdout, directory: dir), comparable(normal.stdout, directory: dir),
                       "standard output is the same")
        XCTAssertTrue(silent.stdout.contains("ddp-train: preset teacher-regression"), "start-up lines still print")
    }

    /// A stall warning is written by the waiting rank itself, in its own form; it follows the
    /// level too.
    func testLogLevelErrorSilencesStallWarningsUnderMPIRun() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.mpirun(ranks: 2, teacher + [
            "--quiet", "--run-dir", dir.path, "--debug-fault", "stall@2@1@3", "--stall-warning-seconds", "1", "--log-level", "error",
        ])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.stderr, "", "StallWarningTests shows the warning this run would print at the default level")
    }

    func testABadLevelIsOneErrorLineAndExitStatusTwo() throws {
        for value in ["loud", "DEBUG", "warn"] {
            let result = try DDPTrainProcess.run(["--log-level", value, "--epochs", "1"])
            XCTAssertEqual(result.status, 2, result.output)
            XCTAssertEqual(result.stderr, "ddp-train: error: --log-level '\(value)' is not one of: trace, debug, info, notice, "
                           + "warning, error, critical\n")
            XCTAssertEqual(result.stdout, "", "nothing ran")
        }
        let sweep = try DDPTrainProcess.run(["sweep", "--preset", "teacher-regression", "--grid", "lr=0.01",
                                             "--sweep-dir", try DDPTrainProcess.temporaryDirectory(self).path, "--log-level", "loud"])
        XCTAssertEqual(sweep.status, 2, sweep.output)
        XCTAssertEqual(sweep.stderr.split(separator: "\n"), ["ddp-train: error: --log-level 'loud' is not one of: trace, debug, "
                                                             + "info, notice, warning, error, critical"])
    }

    func testSweepPassesTheLevelToEveryPointWithoutRedoingFinishedOnes() throws {
        let launcher = SweepLauncher(executable: "/bin/ddp-train", launcher: "/usr/bin/mpirun")
        var debug = launcher
        debug.logLevel = "debug"
        let point = try SweepPlan(base: TrainingConfig(), grid: SweepGrid(flags: ["ranks=1,2"])).points
        for p in point {
            XCTAssertEqual(Array(debug.command(for: p, configPath: "c.json", runDirectory: "p").arguments.suffix(2)), ["--log-level", "debug"])
            XCTAssertFalse(launcher.command(for: p, configPath: "c.json", runDirectory: "p").arguments.contains("--log-level"))
            XCTAssertEqual(debug.fingerprint(for: p), launcher.fingerprint(for: p), "how much a point logs changes nothing it computes")
        }

        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.run(["sweep"] + teacher + ["--grid", "lr=0.001", "--sweep-dir", dir.path,
                                                                    "--log-level", "debug"])
        XCTAssertEqual(result.status, 0, result.output)
        let points = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("points").path)
        XCTAssertEqual(points.count, 1, "\(points)")
        let stderr = try String(contentsOf: dir.appendingPathComponent("points/\(points[0])/stderr.log"), encoding: .utf8)
        XCTAssertTrue(stderr.contains("ddp-train: debug: data loaded: 1638 training samples"), stderr)
    }
}
