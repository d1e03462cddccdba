import DataFormats
import Foundation
import XCTest

/// What goes wrong ends the whole job, promptly and with a message that names the rank, under
/// real `mpirun`: diverged replicas, ranks launched differently, an error on one rank, and a
/// rank killed mid-run.
final class MPIFailureTests: XCTestCase {
    static let mlp = ["--depth", "3", "--width", "16"]

    /// The replica check catches a parameter that differs on one rank (injected with the hidden
    /// `--debug-fault perturb@STEP@RANK`) and names the step, the rank and the tensor.
    func testReplicaCheckFailsNamingRankAndTensor() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        for (ranks, step, rank) in [(2, 1, 1), (4, 2, 3)] {
            let result = try DDPTrainProcess.mpirun(ranks: ranks, Self.mlp + [
                "--epochs", "3", "--check-replicas-every", "1", "--debug-fault", "perturb@\(step)@\(rank)", "--quiet",
                "--run-dir", directory.appendingPathComponent("run-\(ranks)").path,
            ], timeout: 60)
            XCTAssertNotEqual(result.status, 0, result.output)
            XCTAssertTrue(result.stderr.contains("replica check failed after step \(step): "
                                                 + "rank \(rank) differs from rank 0 in 1 tensor(s): model.0.weight"), result.output)
            XCTAssertLessThan(result.seconds, 60, "the job should end, not hang")
        }
    }

    /// Ranks launched with different flags (Open MPI's MPMD syntax) stop before training, every
    /// rank saying which field differs, instead of averaging unrelated gradients or hanging.
    func testRanksWithDifferentConfigurationsFailOnEveryRank() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let executable = DDPTrainProcess.executable.path
        let common = Self.mlp + ["--epochs", "2", "--quiet", "--run-dir", directory.appendingPathComponent("run").path]
        let result = try DDPTrainProcess.launch(
            try DDPTrainProcess.which("mpirun"),
            ["--oversubscribe", "-np", "1", executable] + common + ["--seed", "1"]
                + [":", "-np", "1", executable] + common + ["--seed", "2"],
            timeout: 60)
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertLessThan(result.seconds, 60, "the job should end, not hang")
        for rank in 0..<2 {
            XCTAssertTrue(result.stderr.contains("ddp-train: rank \(rank): ranks disagree before training: "
                                                 + "rank 1 has a different configuration from rank 0 (seed: rank 0 1, rank 1 2)"),
                          "rank \(rank) should explain the mismatch:\n\(result.output)")
        }
        XCTAssertTrue(result.stderr.contains("rank 1 has a different dataset from rank 0"), "seeded data differs too:\n\(result.output)")
        let steps = (try? DDPTrainProcess.metrics(directory.appendingPathComponent("run"), type: "step")) ?? []
        XCTAssertTrue(steps.isEmpty, "no step may run")
    }

    /// Same flags, different data: each rank runs in its own working directory (MPMD `-wdir`)
    /// where `inputs.npy` holds different values. Only the dataset check can tell, and it does.
    func testRanksWithDifferentDataFailOnEveryRank() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        for (name, offset) in [("a", Float(0)), ("b", Float(1))] {
            let folder = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let inputs = (0..<200).map { Float($0 % 7) / 7 + offset }
            try NumPyFile.write(ArrayData(shape: [20, 10], values: inputs), to: folder.appendingPathComponent("inputs.npy"))
            try NumPyFile.write(ArrayData(shape: [20, 1], values: (0..<20).map { Float($0) / 20 }),
                                to: folder.appendingPathComponent("targets.npy"))
        }
        let executable = DDPTrainProcess.executable.path
        let flags = Self.mlp + ["--inputs", "inputs.npy", "--targets", "targets.npy", "--global-batch-size", "10", "--epochs", "2",
                                "--quiet", "--run-dir", directory.appendingPathComponent("run").path]
        let result = try DDPTrainProcess.launch(
            try DDPTrainProcess.which("mpirun"),
            ["--oversubscribe", "-np", "1", "-wdir", directory.appendingPathComponent("a").path, executable] + flags
                + [":", "-np", "1", "-wdir", directory.appendingPathComponent("b").path, executable] + flags,
            timeout: 60)
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertLessThan(result.seconds, 60, "the job should end, not hang")
        for rank in 0..<2 {
            XCTAssertTrue(result.stderr.contains("ddp-train: rank \(rank): ranks disagree before training: "
                                                 + "rank 1 has a different dataset from rank 0 (rank 0: samples=20"),
                          "rank \(rank) should explain the mismatch:\n\(result.output)")
        }
        XCTAssertFalse(result.stderr.contains("different configuration"), "the flags were the same:\n\(result.output)")
    }

    /// An error on one rank only (here rank 1 cannot read its data file) ends every rank, with a
    /// message naming the rank and the file.
    func testErrorOnOneRankEndsJobNamingRank() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let executable = DDPTrainProcess.executable.path
        let common = Self.mlp + ["--epochs", "2", "--quiet", "--run-dir", directory.appendingPathComponent("run").path]
        let missing = directory.appendingPathComponent("missing-inputs.npy").path
        let result = try DDPTrainProcess.launch(
            try DDPTrainProcess.which("mpirun"),
            ["--oversubscribe", "-np", "1", executable] + common
                + [":", "-np", "1", executable] + common + ["--inputs", missing, "--targets", missing],
            timeout: 60)
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertLessThan(result.seconds, 60, "the job should end, not hang")
        XCTAssertTrue(result.stderr.contains("ddp-train: rank 1: \(missing)"), "the message should name rank 1 and the file:\n\(result.output)")
    }

    /// A rank killed with SIGKILL mid-run (no chance to call MPI_Abort) still ends the whole job
    /// within 30 s with a non-zero exit, and mpirun names the rank.
    func testKilledRankEndsJobWithinThirtySeconds() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let runDirectory = directory.appendingPathComponent("run")
        let log = directory.appendingPathComponent("mpirun.log")
        let job = try MPIHarness.start(["-np", "4", "--oversubscribe", DDPTrainProcess.executable.path] + Self.mlp
                                       + ["--epochs", "100000000", "--log-every", "100", "--quiet", "--run-dir", runDirectory.path],
                                       output: log)
        var victims: [Int32] = []
        defer {
            // Whatever happened, leave nothing running: the ranks first, while mpirun is their parent.
            for pid in MPIHarness.children(of: job.processIdentifier) { kill(pid, SIGKILL) }
            if job.isRunning { job.terminate() }
        }
        // Wait until training is under way: rank 0 has written step records.
        let started = Date()
        while job.isRunning && Date().timeIntervalSince(started) < 120 {
            if (try? DDPTrainProcess.metrics(runDirectory, type: "step").isEmpty) == false {
                victims = MPIHarness.rankProcesses(of: job.processIdentifier, rank: 2)
                if !victims.isEmpty { break }
            }
            usleep(100_000)
        }
        XCTAssertTrue(job.isRunning, "the job ended before the kill:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        XCTAssertEqual(victims.count, 1, "exactly one process should be rank 2")
        guard let victim = victims.first, job.isRunning else { return }

        kill(victim, SIGKILL)
        let killed = Date()
        while job.isRunning && Date().timeIntervalSince(killed) < 30 { usleep(50_000) }
        let seconds = Date().timeIntervalSince(killed)
        XCTAssertFalse(job.isRunning, "mpirun still running 30 s after rank 2 was killed")
        guard !job.isRunning else { return }
        job.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        print(String(format: "[MPI] rank 2 killed with SIGKILL: job ended %.1f s later with status %d", seconds, job.terminationStatus))
        XCTAssertNotEqual(job.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("rank 2"), "mpirun should name the killed rank:\n\(output)")
    }
}
