import Foundation
import XCTest

/// `--collective-timeout`: a rank that stops answering (SIGSTOP) ends the job, under real
/// mpirun, with one message naming it, the step and the checkpoint, and exit status 4; the
/// checkpoint resumes to bitwise the same weights as an uninterrupted run.
final class CollectiveTimeoutTests: XCTestCase {
    /// 192 training samples / global batch 32 = 6 steps per epoch; epochs without end.
    let base = ["--preset", "teacher-regression", "--samples", "240", "--val-fraction", "0.2",
                "--global-batch-size", "32", "--log-every", "1", "--epochs", "100000"]

    /// What one stopped-rank job left: its timeout message line, its exit status, how long it
    /// took to end after SIGSTOP, and the stopped rank.
    struct StoppedJob {
        var line: String
        var status: Int32
        var elapsed: Double
        var victimRank: Int
        var output: String
    }

    /// Runs 2 ranks under mpirun with a checkpoint every 6 steps, SIGSTOPs one once two
    /// checkpoints exist, and waits for the job to end.
    func stopOneRank(_ dir: URL, marker: String, mpirunArguments: [String] = []) throws -> StoppedJob {
        let ckpt = dir.appendingPathComponent("ckpt")
        let job = try BackgroundJob(try DDPTrainProcess.which("mpirun"),
                                    ["-np", "2", "--oversubscribe"] + mpirunArguments + [DDPTrainProcess.executable.path] + base
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
        guard let victim = pids.max() else { throw XCTSkip("no rank to stop") }
        defer { kill(victim, SIGCONT); kill(victim, SIGKILL) }  // never leave a stopped process behind
        let victimRank = Self.rank(of: victim) ?? -1
        let stoppedAt = Date()
        kill(victim, SIGSTOP)
        while job.process.isRunning && Date().timeIntervalSince(stoppedAt) < 40 { Thread.sleep(forTimeInterval: 0.1) }
        let elapsed = Date().timeIntervalSince(stoppedAt)
        let status = job.wait()
        print("collective timeout: the job ended \(String(format: "%.1f", elapsed)) s after SIGSTOP of rank \(victimRank)")
        let lines = job.output.split(separator: "\n").filter { $0.contains("collective timeout:") }
        XCTAssertEqual(lines.count, 1, "expected one message: \(job.output)")
        return StoppedJob(line: String(lines.first ?? ""), status: status, elapsed: elapsed, victimRank: victimRank, output: job.output)
    }

    /// The checkpoint a timeout message names.
    func namedCheckpoint(_ line: String) throws -> String {
        guard let range = line.range(of: "the last checkpoint is "),
              let end = line[range.upperBound...].range(of: "; resume with") else {
            throw XCTSkip("no checkpoint named: \(line)")
        }
        return String(line[range.upperBound ..< end.lowerBound])
    }

    func testAStoppedRankEndsTheJobNamingItAndTheResumeIsBitwiseIdentical() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let marker = "--seed=\(Int.random(in: 1000...9999))"
        let job = try stopOneRank(dir, marker: marker)
        XCTAssertLessThan(job.elapsed, 5 + 7, "the job did not end within the timeout plus a few seconds")
        XCTAssertEqual(job.status, 4, job.output)
        // Named as silent, or (when its last reports reached the others late) as behind.
        XCTAssertTrue(job.line.contains("rank(s) that did not arrive: \(job.victimRank) ("), job.line)
        XCTAssertTrue(job.line.contains("(--collective-timeout 5)") && job.line.contains("Ending the job (exit 4)"), job.line)

        // The named checkpoint is complete and resumes to the uninterrupted run's weights.
        let named = try namedCheckpoint(job.line)
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

    /// While the reporting rank ends (MPI_Abort, then its exit), mpirun wakes the stopped rank
    /// (SIGCONT, SIGTERM): the reporting rank's training thread must not go on with it. A
    /// preloaded library makes every exit and _exit of the ranks wait 3 s first (as
    /// ThreadSanitizer's exit waits 1 s), which without `JobEnding` let the pair train on for
    /// about 150 steps, write a pre-emption checkpoint, and prune the one the message named.
    func testAnEndingRankTrainsNoFurtherWhileItsExitIsSlow() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let shim = try Self.slowExitLibrary(in: dir)
        let job = try stopOneRank(dir, marker: "--seed=\(Int.random(in: 1000...9999))",
                                  mpirunArguments: ["-x", "LD_PRELOAD=\(shim.path)", "-x", "SLOW_EXIT_MS=3000"])
        XCTAssertNotEqual(job.status, 0, job.output)
        let named = try namedCheckpoint(job.line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: named + "/state.json"), "the named checkpoint is gone: \(job.line)")
        // "'allreduce' in step N waited …": no checkpoint of a later step was written.
        let inStep = try XCTUnwrap(job.line.range(of: " in step ").map { Int(job.line[$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        let steps = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("ckpt").path)
            .compactMap { $0.hasPrefix("step-") ? Int($0.dropFirst(5)) : nil }
        XCTAssertLessThanOrEqual(steps.max() ?? 0, inStep, "checkpoints \(steps.sorted()) after the message in step \(inStep)")
    }

    /// A shared library that delays exit and _exit by $SLOW_EXIT_MS, built with the toolchain's clang.
    static func slowExitLibrary(in dir: URL) throws -> URL {
        let source = dir.appendingPathComponent("slow_exit.c"), library = dir.appendingPathComponent("slow_exit.so")
        try """
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <stdlib.h>
        #include <unistd.h>
        static void wait_first(void) { const char *ms = getenv("SLOW_EXIT_MS"); if (ms) usleep((useconds_t)atoi(ms) * 1000); }
        void exit(int status) { wait_first(); ((void (*)(int))dlsym(RTLD_NEXT, "exit"))(status); __builtin_unreachable(); }
        void _exit(int status) { wait_first(); ((void (*)(int))dlsym(RTLD_NEXT, "_exit"))(status); __builtin_unreachable(); }
        """.write(to: source, atomically: true, encoding: .utf8)
        let built = try DDPTrainProcess.launch(try DDPTrainProcess.which("clang"),
                                               ["-shared", "-fPIC", "-O1", "-o", library.path, source.path, "-ldl"], timeout: 60)
        XCTAssertEqual(built.status, 0, built.output)
        return library
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
