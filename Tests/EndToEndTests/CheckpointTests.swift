import DataFormats
import Training
import Foundation
import XCTest

/// Checkpoints, exact resume, pre-emption and non-finite handling, through the real binary
/// (and real mpirun where ranks are involved).
final class CheckpointTests: XCTestCase {
    /// A small run with several steps per epoch, so checkpoints fall mid-epoch too:
    /// 192 training samples / batch 32 = 6 steps per epoch, 3 epochs.
    let base = ["--preset", "teacher-regression", "--samples", "240", "--val-fraction", "0.2",
                "--global-batch-size", "32", "--epochs", "3", "--quiet", "--log-every", "1"]

    func testResumeFromMidEpochIsBitwiseIdenticalInOneProcess() throws {
        try checkExactResume(ranks: 1)
    }

    func testResumeFromMidEpochIsBitwiseIdenticalAtTwoRanks() throws {
        try checkExactResume(ranks: 2)
    }

    /// Runs uninterrupted (checkpointing every 4 steps), then resumes from the step-8
    /// checkpoint (mid epoch 2) into the same run directory: final weights must be the same
    /// bits, and metrics.jsonl must hold every step exactly once with the same losses.
    private func checkExactResume(ranks: Int) throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let run = dir.appendingPathComponent("run"), ckpt = dir.appendingPathComponent("ckpt")
        let full = dir.appendingPathComponent("full.safetensors"), resumed = dir.appendingPathComponent("resumed.safetensors")
        func launch(_ args: [String]) throws -> DDPTrainProcess.Result {
            ranks == 1 ? try DDPTrainProcess.run(args) : try DDPTrainProcess.mpirun(ranks: ranks, args)
        }
        let first = try launch(base + ["--run-dir", run.path, "--checkpoint-dir", ckpt.path, "--checkpoint-every", "4",
                                       "--keep-checkpoints", "10", "--save", full.path])
        XCTAssertEqual(first.status, 0, first.output)
        let uninterrupted = try DDPTrainProcess.metrics(run, type: "step").map { $0["loss"] as? Double }
        XCTAssertEqual(uninterrupted.count, 18)

        let second = try launch(base + ["--run-dir", run.path, "--resume", ckpt.appendingPathComponent("step-00000008").path,
                                        "--save", resumed.path])
        XCTAssertEqual(second.status, 0, second.output)
        let a = try Data(contentsOf: full), b = try Data(contentsOf: resumed)
        XCTAssertEqual(a, b, "resumed weights differ from the uninterrupted run's")

        let steps = try DDPTrainProcess.metrics(run, type: "step")
        XCTAssertEqual(steps.map { $0["step"] as? Int }, (1...18).map { Optional($0) }, "each step once, in order")
        XCTAssertEqual(steps.map { $0["loss"] as? Double }, uninterrupted, "the resumed losses are the same bits")
        let epochs = try DDPTrainProcess.metrics(run, type: "epoch")
        XCTAssertEqual(epochs.map { $0["epoch"] as? Int }, [1, 2, 3])
    }

    /// The noise-scale moving averages travel in the checkpoint: after resuming at step 8 the
    /// smoothed estimates of steps 9–18 are the same bits as in the uninterrupted run (without
    /// them they would restart from zero and differ).
    func testResumeContinuesTheNoiseScaleAverages() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let run = dir.appendingPathComponent("run"), ckpt = dir.appendingPathComponent("ckpt")
        let args = base + ["--diagnostics-every", "1", "--run-dir", run.path]
        let first = try DDPTrainProcess.mpirun(ranks: 2, args + ["--checkpoint-dir", ckpt.path, "--checkpoint-every", "4",
                                                                 "--keep-checkpoints", "10"])
        XCTAssertEqual(first.status, 0, first.output)
        func smoothed() throws -> [Double?] {
            try DDPTrainProcess.metrics(run, type: "step").map { record in
                let diagnostics = record["diagnostics"] as? [String: Any]
                return (diagnostics?["noise_scale"] as? [String: Any])?["b_simple_ema"] as? Double
            }
        }
        let uninterrupted = try smoothed()
        XCTAssertEqual(uninterrupted.count, 18)
        // Step 1's estimate can be negative (|G|² from 2 ranks is noisy), so the average starts later.
        XCTAssertTrue(uninterrupted.suffix(12).allSatisfy { $0 != nil }, "later steps have a smoothed noise scale: \(uninterrupted)")

        let second = try DDPTrainProcess.mpirun(ranks: 2, args + ["--resume", ckpt.appendingPathComponent("step-00000008").path])
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertEqual(try smoothed(), uninterrupted, "the resumed run's smoothed noise scale continues the same averages")
    }

    func testCheckpointsAreCompleteChecksummedAndPruned() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let r = try DDPTrainProcess.run(base + ["--run-dir", dir.appendingPathComponent("run").path,
                                                "--checkpoint-dir", ckpt.path, "--checkpoint-every", "5", "--keep-checkpoints", "2"])
        XCTAssertEqual(r.status, 0, r.output)
        let names = try FileManager.default.contentsOfDirectory(atPath: ckpt.path).sorted()
        // Steps 5, 10, 15 and the final 18: the newest two remain, and no temporary directory.
        XCTAssertEqual(names, ["step-00000015", "step-00000018"])
        let latest = ckpt.appendingPathComponent("step-00000018")
        let model = try SafeTensorsFile.read(contentsOf: latest.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(model.tensors.first?.name, "model.0.weight")
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: latest.appendingPathComponent("state.json"))) as? [String: Any]
        XCTAssertEqual(state?["step"] as? Int, 18)
        XCTAssertEqual((state?["checksums"] as? [String: String])?.count, 2)
    }

    func testLatestSkipsIncompleteCheckpointsAndCorruptionIsRefused() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let r = try DDPTrainProcess.run(base + ["--epochs", "1", "--run-dir", dir.appendingPathComponent("run").path,
                                                "--checkpoint-dir", ckpt.path, "--checkpoint-every", "3"])
        XCTAssertEqual(r.status, 0, r.output)
        // A newer directory without state.json (a write that never finished) must be ignored.
        try FileManager.default.createDirectory(at: ckpt.appendingPathComponent("step-00000099"), withIntermediateDirectories: true)
        let resumed = try DDPTrainProcess.run(base + ["--epochs", "2", "--run-dir", dir.appendingPathComponent("run2").path,
                                                      "--checkpoint-dir", ckpt.path, "--resume", "latest"])
        XCTAssertEqual(resumed.status, 0, resumed.output)

        // Flip one byte of the model file: the checksum refuses it, naming the file.
        let model = ckpt.appendingPathComponent("step-00000006/model.safetensors")
        var bytes = try Data(contentsOf: model)
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: model)
        let corrupt = try DDPTrainProcess.run(base + ["--run-dir", dir.appendingPathComponent("run3").path,
                                                      "--resume", ckpt.appendingPathComponent("step-00000006").path])
        XCTAssertNotEqual(corrupt.status, 0)
        XCTAssertTrue(corrupt.stderr.contains("model.safetensors: checksum mismatch"), corrupt.stderr)
        XCTAssertEqual(corrupt.stderr.split(separator: "\n").count, 1, "one line: \(corrupt.stderr)")
    }

    func testBadCheckpointsGiveOneClearLine() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let r = try DDPTrainProcess.run(base + ["--epochs", "1", "--run-dir", dir.appendingPathComponent("run").path,
                                                "--checkpoint-dir", ckpt.path])
        XCTAssertEqual(r.status, 0, r.output)
        let good = ckpt.appendingPathComponent("step-00000006")
        let cases: [(String, [String], String)] = [
            ("no such directory", ["--resume", dir.appendingPathComponent("nope").path], "no such checkpoint directory"),
            ("latest without a directory", ["--resume", "latest"], "--resume latest needs --checkpoint-dir"),
            ("a different model", ["--resume", good.path, "--width", "32"], "does not fit the model"),
            ("a different optimizer", ["--resume", good.path, "--optimizer", "sgd", "--momentum", "0.9"], "optimizer state"),
        ]
        for (what, args, expected) in cases {
            let result = try DDPTrainProcess.run(base + ["--run-dir", dir.appendingPathComponent("bad").path] + args)
            XCTAssertNotEqual(result.status, 0, what)
            XCTAssertTrue(result.stderr.contains(expected), "\(what): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal error"), "\(what) crashed: \(result.stderr)")
        }
        // A malformed state.json.
        try Data("{\"step\": \"many\"}".utf8).write(to: good.appendingPathComponent("state.json"))
        let malformed = try DDPTrainProcess.run(base + ["--run-dir", dir.appendingPathComponent("bad2").path, "--resume", good.path])
        XCTAssertNotEqual(malformed.status, 0)
        XCTAssertTrue(malformed.stderr.contains("state.json: not a valid checkpoint state"), malformed.stderr)
    }

    /// Arguments for a run that would go on for a long time, without --quiet so that the
    /// start-up lines tell the test when training (and signal handling) has begun.
    private var longRun: [String] {
        base.filter { $0 != "3" && $0 != "--epochs" && $0 != "--quiet" } + ["--epochs", "100000"]
    }

    func testSIGTERMCheckpointsAndExitsCleanlyThenResumeMatches() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let job = try BackgroundJob(DDPTrainProcess.executable.path,
                                    longRun + ["--run-dir", dir.appendingPathComponent("run").path, "--checkpoint-dir", ckpt.path,
                                               "--checkpoint-every", "1000000"])
        XCTAssertTrue(job.waitForOutput(containing: "optimizer", timeout: 60), job.output)
        Thread.sleep(forTimeInterval: 0.5)
        kill(job.process.processIdentifier, SIGTERM)
        let status = job.wait()
        XCTAssertEqual(status, ExitStatus.preempted.rawValue, job.output)
        XCTAssertTrue(job.output.contains("received SIGTERM: stopped cleanly after step"), job.output)
        let names = try FileManager.default.contentsOfDirectory(atPath: ckpt.path).filter { $0.hasPrefix("step-") }
        XCTAssertEqual(names.count, 1, "one checkpoint, at the signal")

        // Finish the interrupted epoch from the checkpoint, and compare with an uninterrupted run.
        let state = try JSONSerialization.jsonObject(
            with: Data(contentsOf: ckpt.appendingPathComponent(names[0]).appendingPathComponent("state.json"))) as? [String: Any]
        let epochs = String((state?["epoch"] as? Int ?? 0) + 1)
        let short = base.filter { $0 != "3" && $0 != "--epochs" } + ["--epochs", epochs]
        let a = dir.appendingPathComponent("a.safetensors"), b = dir.appendingPathComponent("b.safetensors")
        let straight = try DDPTrainProcess.run(short + ["--run-dir", dir.appendingPathComponent("straight").path, "--save", a.path])
        XCTAssertEqual(straight.status, 0, straight.output)
        let resumed = try DDPTrainProcess.run(short + ["--run-dir", dir.appendingPathComponent("run").path,
                                                       "--checkpoint-dir", ckpt.path, "--resume", "latest", "--save", b.path])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b), "resume after SIGTERM is not bitwise identical")
    }

    /// SIGUSR1 reaches only rank 1, yet both ranks stop at the same step boundary (they agree
    /// through the per-step allreduce), rank 0 reports it, and the job exits
    /// with the pre-empted status (3).
    func testSIGUSR1OnOneRankStopsEveryRankAtTheSameStep() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let marker = "--seed=\(Int.random(in: 10000...99999))"
        let job = try BackgroundJob(try DDPTrainProcess.which("mpirun"),
                                    ["-np", "2", "--oversubscribe", DDPTrainProcess.executable.path] + longRun
                                        + [marker, "--run-dir", dir.appendingPathComponent("run").path,
                                           "--checkpoint-dir", ckpt.path, "--checkpoint-every", "1000000"])
        XCTAssertTrue(job.waitForOutput(containing: "optimizer", timeout: 60), job.output)
        Thread.sleep(forTimeInterval: 1)
        let ranks = try CheckpointTests.pids(matching: marker).filter { $0 != job.process.processIdentifier }
        XCTAssertEqual(ranks.count, 2, "expected two ranks, found \(ranks)")
        if let one = ranks.max() { kill(one, SIGUSR1) }
        let status = job.wait()
        XCTAssertEqual(status, ExitStatus.preempted.rawValue, "mpirun passes on the ranks' pre-empted status\n" + job.output)
        XCTAssertTrue(job.output.contains("received SIGUSR1: stopped cleanly after step"), job.output)
        XCTAssertEqual(CheckpointTests.checkpointCount(ckpt), 1)
        let resumed = try DDPTrainProcess.mpirun(ranks: 2, base + [marker, "--run-dir", dir.appendingPathComponent("run").path,
                                                                   "--checkpoint-dir", ckpt.path, "--resume", "latest"])
        XCTAssertEqual(resumed.status, 0, resumed.output)
    }

    func testKilledRankEndsTheJobAndResumeCompletes() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let marker = "--seed=\(Int.random(in: 1000...9999))"
        let job = try BackgroundJob(try DDPTrainProcess.which("mpirun"),
                                    ["-np", "2", "--oversubscribe", DDPTrainProcess.executable.path] + longRun
                                        + [marker, "--run-dir", dir.appendingPathComponent("run").path,
                                           "--checkpoint-dir", ckpt.path, "--checkpoint-every", "20"])
        let process = job.process
        // Wait for a checkpoint, then SIGKILL one rank (the newest process with our marker).
        var waited = 0.0
        while CheckpointTests.checkpointCount(ckpt) == 0 && waited < 60 { Thread.sleep(forTimeInterval: 0.2); waited += 0.2 }
        XCTAssertGreaterThan(CheckpointTests.checkpointCount(ckpt), 0, "no checkpoint appeared")
        let pids = try CheckpointTests.pids(matching: marker).filter { $0 != process.processIdentifier }
        XCTAssertEqual(pids.count, 2, "expected two ranks, found \(pids)")
        let killedAt = Date()
        kill(pids.max()!, SIGKILL)
        while process.isRunning && Date().timeIntervalSince(killedAt) < 30 { Thread.sleep(forTimeInterval: 0.1) }
        let ended = !process.isRunning
        if !ended { process.terminate(); for p in pids { kill(p, SIGKILL) } }
        let status = job.wait()
        XCTAssertTrue(ended, "the job did not end within 30 s of a rank's death")
        XCTAssertNotEqual(status, 0)

        let resumed = try DDPTrainProcess.mpirun(ranks: 2, base.filter { $0 != "3" && $0 != "--epochs" }
            + ["--epochs", "6", marker, "--run-dir", dir.appendingPathComponent("run").path,
               "--checkpoint-dir", ckpt.path, "--resume", "latest"])
        XCTAssertEqual(resumed.status, 0, resumed.output)
    }

    func testNonFiniteOnOneRankStopsEveryRankOrIsSkippedEverywhere() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let ckpt = dir.appendingPathComponent("ckpt")
        let stop = try DDPTrainProcess.mpirun(ranks: 2, base + ["--run-dir", dir.appendingPathComponent("a").path,
                                                                "--checkpoint-dir", ckpt.path, "--checkpoint-every", "2",
                                                                "--debug-fault", "nan@5@1"])
        XCTAssertNotEqual(stop.status, 0)
        XCTAssertTrue(stop.stderr.contains("non-finite values at step 5"), stop.stderr)
        // The last good checkpoint (step 4) is intact and loads.
        let again = try DDPTrainProcess.mpirun(ranks: 2, base + ["--run-dir", dir.appendingPathComponent("b").path,
                                                                 "--checkpoint-dir", ckpt.path, "--resume", "latest"])
        XCTAssertEqual(again.status, 0, again.output)

        let skip = try DDPTrainProcess.mpirun(ranks: 2, base + ["--run-dir", dir.appendingPathComponent("c").path,
                                                                "--debug-fault", "nan@5@1", "--on-nonfinite", "skip",
                                                                "--check-replicas-every", "1"])
        XCTAssertEqual(skip.status, 0, skip.output)
        XCTAssertTrue(skip.stderr.contains("step 5: non-finite values"), skip.stderr)
        XCTAssertTrue(skip.stderr.contains("skipped on every rank (1 so far)"), skip.stderr)
    }

    func testReplicaDivergenceIsNamed() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let r = try DDPTrainProcess.mpirun(ranks: 2, base + ["--run-dir", dir.path, "--check-replicas-every", "1",
                                                             "--debug-fault", "perturb@2@1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.output.contains("replica check failed after step 2: rank 1 differs from rank 0 in 1 tensor(s): model.0.weight"),
                      r.output)
    }

    static func checkpointCount(_ dir: URL) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix("step-") }.count
    }

    /// Pids of processes whose command line contains `text`.
    static func pids(matching text: String) throws -> [Int32] {
        var result: [Int32] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(entry),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let cmd = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            if cmd.contains(text) && cmd.contains("ddp-train") && !cmd.contains("mpirun") { result.append(pid) }
        }
        return result
    }
}

/// A process running in the background whose combined output the test can watch.
final class BackgroundJob: @unchecked Sendable {
    // @unchecked: `buffer` is guarded by `lock`.
    let process = Process()
    private let lock = NSLock()
    private var buffer = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ path: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = DDPTrainProcess.environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock(); buffer.append(chunk); lock.unlock()
            }
            done.signal()
        }
    }

    var output: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Waits until the output contains `text`; false on timeout or exit.
    func waitForOutput(containing text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Waits for exit (killing it after 120 s) and returns the status.
    func wait() -> Int32 {
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = done.wait(timeout: .now() + 10)
        return process.terminationStatus
    }
}
