import Foundation
import XCTest
@testable import Experiments
import Training

/// How a sweep launches a point: alone, under mpirun with its options, or under a launcher
/// template; what it sets in the environment; and what makes a finished point stale.
final class SweepLauncherTests: XCTestCase {
    func point(ranks: Int) throws -> SweepPoint {
        try SweepPlan(base: TrainingConfig(), grid: SweepGrid(flags: ["ranks=\(ranks)"])).points[0]
    }

    func testOneRankRunsTheBinaryAloneAndMoreRanksUnderMPIRun() throws {
        let launcher = SweepLauncher(executable: "/bin/ddp-train", launcher: "/usr/bin/mpirun", hostfile: "/h/cluster",
                                     oversubscribe: true, launcherArguments: ["--bind-to", "core"],
                                     trainArguments: ["--diagnostics-every", "5"])
        let train = ["train", "--preset", "seed-sigmoid-mlp", "--config", "/s/c.json", "--run-dir", "/s/p", "--quiet",
                     "--diagnostics-every", "5"]
        let alone = launcher.command(for: try point(ranks: 1), configPath: "/s/c.json", runDirectory: "/s/p")
        XCTAssertEqual(alone.program, "/bin/ddp-train")
        XCTAssertEqual(alone.arguments, train)
        let four = launcher.command(for: try point(ranks: 4), configPath: "/s/c.json", runDirectory: "/s/p")
        XCTAssertEqual(four.program, "/usr/bin/mpirun")
        XCTAssertEqual(four.arguments, ["-np", "4", "--hostfile", "/h/cluster", "--oversubscribe", "-x", "OPENBLAS_NUM_THREADS",
                                        "--bind-to", "core", "/bin/ddp-train"] + train)
    }

    func testATemplateIsUsedAsWrittenWithTheRankCountFilledIn() throws {
        let launcher = SweepLauncher(executable: "/bin/ddp-train", launcher: "/repo/scripts/emulated-cluster.sh",
                                     template: ["/repo/scripts/emulated-cluster.sh", "--hosts", "{ranks}", "--np={ranks}", "--"])
        let command = launcher.command(for: try point(ranks: 3), configPath: "c.json", runDirectory: "p")
        XCTAssertEqual(command.program, "/repo/scripts/emulated-cluster.sh")
        XCTAssertEqual(Array(command.arguments.prefix(5)), ["--hosts", "3", "--np=3", "--", "/bin/ddp-train"])
        XCTAssertEqual(command.arguments[5], "train")
    }

    func testFingerprintChangesWithWhatAffectsTheResultNotWithTheBinaryPath() throws {
        let base = SweepLauncher(executable: "/a/ddp-train", launcher: "/usr/bin/mpirun")
        let two = try point(ranks: 2), one = try point(ranks: 1)
        var moved = base
        moved.executable = "/b/ddp-train"
        XCTAssertEqual(base.fingerprint(for: two), moved.fingerprint(for: two))
        var hosts = base
        hosts.hostfile = "/h/cluster"
        XCTAssertNotEqual(base.fingerprint(for: two), hosts.fingerprint(for: two), "another cluster: throughput differs")
        XCTAssertEqual(base.fingerprint(for: one), hosts.fingerprint(for: one), "one rank never uses the launcher")
        var diagnostics = base
        diagnostics.trainArguments = ["--diagnostics-every", "1"]
        XCTAssertNotEqual(base.fingerprint(for: one), diagnostics.fingerprint(for: one))
        var config = one
        config.configJSON = Data("{}".utf8)
        XCTAssertNotEqual(base.fingerprint(for: one), base.fingerprint(for: config))
    }

    func testEnvironmentGivesOneBLASThreadUnlessSetAndLetsRootRunMPI() {
        let plain = SweepLauncher.environment(["PATH": "/bin"], isRoot: false)
        XCTAssertEqual(plain["OPENBLAS_NUM_THREADS"], "1")
        XCTAssertNil(plain["OMPI_ALLOW_RUN_AS_ROOT"])
        let root = SweepLauncher.environment(["OPENBLAS_NUM_THREADS": "4"], isRoot: true)
        XCTAssertEqual(root["OPENBLAS_NUM_THREADS"], "4", "the user's choice stays")
        XCTAssertEqual(root["OMPI_ALLOW_RUN_AS_ROOT"], "1")
        XCTAssertEqual(root["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"], "1")
    }

    /// The template path end to end: mpirun itself given as a template.
    func testTemplateLauncherRunsAMultiRankPoint() throws {
        let mpirun = try DDPTrainProcess.which("mpirun")
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        let result = try runTrainer(["sweep", "--depth", "2", "--width", "8", "--samples", "32", "--epochs", "1",
                                     "--grid", "ranks=2", "--launcher", "\(mpirun) --oversubscribe -np {ranks}",
                                     "--sweep-dir", dir.path])
        XCTAssertTrue(result.stdout.contains("ok ranks2"), result.stdout)
        let config = try readRunConfigJSON(dir.appendingPathComponent("points/ranks2"))
        XCTAssertEqual((config["resolved"] as? [String: Any])?["worldSize"] as? Int, 2)
        let manifest = try String(contentsOf: dir.appendingPathComponent("sweep.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("-np {ranks}"), manifest)

        let refused = try DDPTrainProcess.run(["sweep", "--grid", "ranks=2", "--launcher", "mpirun -np {ranks}", "--hostfile",
                                               "hostfiles/localhost", "--sweep-dir", dir.path])
        assertUserError(refused, status: 2, contains: ["is a template", "--hostfile"])
    }
}
