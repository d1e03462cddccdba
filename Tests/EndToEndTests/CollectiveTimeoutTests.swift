import Foundation
import XCTest

/// `--collective-timeout`: a rank that stops answering (SIGSTOP) ends the job, under real
/// mpirun, with one message naming it, the step and the checkpoint, and exit status 4; the
/// checkpoint resumes to bitwise the same weights as an uninterrupted run.
final class CollectiveTimeoutTests: XCTestCase {
    /// 192 training samples / global batch 32 = 6 steps per epoch; epochs without end.
    let base = ["--preset", "teacher-regression", "--samples", "240", "--val-fraction", "0.2",
                "--global-batch-size", "32", "--log-every", "1", "--epochs", "100000"]

    func testAStoppedRankEndsTheJobNamingItAndTheResumeIsBitwiseIdentical() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let marker = "--seed=\(Int.random(in: 1000...9999))"
        let job = try BackgroundJob(try DDPTrainProcess.which("mpirun"),
                                    ["-np", "2", "--oversubscribe", DDPTrainProcess.executable.path] + base
                                        + [marker, "--run-dir", dir.appendingPathComponent("run").path,
                                           "--checkpoint-dir", ckpt.path, "--checkpoint-every", "6",
                                           "--collective-timeout", "5"])
        var waited = 0.0
        while CheckpointTests.checkpointCount(ckpt) < 2 && waited < 90 && job.process.isRunning {
            Thread.sleep(forTimeInterval: 0.1); waited += 0.1
        }
        XCTAssertGreaterThanOrEqual(CheckpointTests.checkpointCount(ckpt), 2, "no checkpoints appeared: \(job.output)")
        Thread.sleep(forTimeInterval: 1.5)  // a few heartbeats have been exchanged
        let pids = try CheckpointTests.pids(matching: marker).filter { $0 != job.process.processIdentifier }
        XCTAssertEqual(pids.count, 2, "expected two ranks, found \(pids)")
        guard let victim = pids.max() else { return }
        defer { kill(victim, SIGCONT); kill(victim, SIGKILL) }  // never leave a stopped process behind
        let victimRank = Self.rank(of: victim) ?? -1
        let stoppedAt = Date()
        kill(victim, SIGSTOP)
        while job.process.isRunning && Date().timeIntervalSince(stoppedAt) < 40 { Thread.sleep(forTimeInterval: 0.1) }
        let elapsed = Date().timeIntervalSince(stoppedAt)
        let status = job.wait()
        print("collective timeout: the job ended \(String(format: "%.1f", elapsed)) s after SIGSTOP of rank \(victimRank)")
        XCTAssertLessThan(elapsed, 5 + 7, "the job did not end within the timeout plus a few seconds")
        XCTAssertEqual(status, 4, job.output)
        let lines = job.output.split(separator: "\n").filter { $0.contains("collective timeout:") }
        XCTAssertEqual(lines.count, 1, "expected one message: \(job.output)")
        let line = String(lines.first ?? "")
        // Named as silent, or (when its last reports reached the others late) as behind.
        XCTAssertTrue(line.contains("rank(s) that did not arrive: \(victimRank) ("), line)
        XCTAssertTrue(line.contains("(--collective-timeout 5)") && line.contains("Ending the job (exit 4)"), line)

        // The named checkpoint is complete and resumes to the uninterrupted run's weights.
        guard let range = line.range(of: "the last checkpoint is "),
              let end = line[range.upperBound...].range(of: "; resume with") else {
            return XCTFail("no checkpoint named: \(line)")
        }
        let named = String(line[range.upperBound ..< end.lowerBound])
        let state = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: named).appendingPathComponent("state.json"))) as? [String: Any]
        let step = try XCTUnwrap(state?["step"] as? Int)
        let finish = ["--max-steps", "\(step + 9)", "--quiet"]
        let a = dir.appendingPathComponent("straight.safetensors"), b = dir.appendingPathComponent("resumed.safetensors")
        let straight = try DDPTrainProcess.mpirun(ranks: 2, base + finish + [marker, "--run-dir", dir.appendingPathComponent("s").path,
                                                                             "--save", a.path])
        XCTAssertEqual(straight.status, 0, straight.output)
        let resumed = try DDPTrainProcess.mpirun(ranks: 2, base + finish + [marker, "--run-dir", dir.appendingPathComponent("r").path,
                                                                            "--resume", named, "--save", b.path])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b), "the resume from \(named) is not bitwise identical")
    }

    func testTheTimeoutMustBePositive() throws {
        let r = try DDPTrainProcess.run(base + ["--collective-timeout", "0", "--max-steps", "1"])
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.stderr.contains("--collective-timeout must be a positive number of seconds (got 0.0)"), r.stderr)
    }

    /// The MPI rank of process `pid`, from the environment Open MPI gave it.
    static func rank(of pid: Int32) -> Int? {
        guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        for entry in raw.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if text.hasPrefix("OMPI_COMM_WORLD_RANK=") { return Int(text.dropFirst("OMPI_COMM_WORLD_RANK=".count)) }
        }
        return nil
    }
}
