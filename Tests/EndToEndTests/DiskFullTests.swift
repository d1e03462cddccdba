import Foundation
import XCTest

/// A disk that fills during a checkpoint or a metrics write, on a small tmpfs (root only; the
/// tests skip, with the reason, where mounting is impossible).
final class DiskFullTests: XCTestCase {
    /// 192 training samples / global batch 32 = 6 steps per epoch.
    let base = ["--preset", "teacher-regression", "--samples", "240", "--val-fraction", "0.2",
                "--global-batch-size", "32", "--log-every", "1", "--quiet"]

    /// Mounts a tmpfs of `bytes` at a fresh directory and unmounts it after the test.
    private func smallDisk(bytes: Int, in dir: URL, name: String) throws -> URL {
        let mountPoint = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let r = try DDPTrainProcess.launch("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", mountPoint.path],
                                           timeout: 30)
        guard r.status == 0 else { throw XCTSkip("cannot mount a tmpfs (needs root and CAP_SYS_ADMIN): \(r.output)") }
        addTeardownBlock { _ = try? DDPTrainProcess.launch("/bin/umount", ["-l", mountPoint.path], timeout: 30) }
        return mountPoint
    }

    /// The bytes one checkpoint of this model takes, measured on a normal disk.
    private func checkpointBytes(_ dir: URL) throws -> Int {
        let ckpt = dir.appendingPathComponent("probe")
        let r = try DDPTrainProcess.run(base + ["--epochs", "1", "--run-dir", dir.appendingPathComponent("probe-run").path,
                                                "--checkpoint-dir", ckpt.path])
        XCTAssertEqual(r.status, 0, r.output)
        let one = ckpt.appendingPathComponent("step-00000006")
        return try FileManager.default.contentsOfDirectory(atPath: one.path).reduce(0) { sum, name in
            sum + ((try FileManager.default.attributesOfItem(atPath: one.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
    }

    /// A disk with room for about one and a half checkpoints: the first fits, the second does not.
    private func diskForOneCheckpoint(_ dir: URL) throws -> URL {
        let size = try checkpointBytes(dir)
        return try smallDisk(bytes: (size * 3 / 2 + 4095) / 4096 * 4096 + 8192, in: dir, name: "disk")
    }

    func testAFullDiskStopsTheRunNamingTheBytesAndKeepsThePreviousCheckpoint() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let disk = try diskForOneCheckpoint(dir)
        let r = try DDPTrainProcess.mpirun(ranks: 2, base + ["--epochs", "3", "--run-dir", dir.appendingPathComponent("run").path,
                                                             "--checkpoint-dir", disk.path, "--checkpoint-every", "6",
                                                             "--keep-checkpoints", "1"])
        XCTAssertEqual(r.status, 1, r.output)
        XCTAssertTrue(r.stderr.contains("\(disk.path): cannot write checkpoint step-00000012"), r.stderr)
        XCTAssertTrue(r.stderr.contains("No space left on device"), r.stderr)
        XCTAssertTrue(r.stderr.contains("bytes are free in \(disk.path)") && r.stderr.contains("it needs "), r.stderr)
        XCTAssertTrue(r.stderr.contains("the previous checkpoint \(disk.path)/step-00000006 is intact"), r.stderr)
        let left = try FileManager.default.contentsOfDirectory(atPath: disk.path)
        XCTAssertEqual(left, ["step-00000006"], "a partial checkpoint was left behind")
        // The newest intact checkpoint resumes (loading verifies every file's checksum).
        let resumed = try DDPTrainProcess.mpirun(ranks: 2, base + ["--epochs", "3", "--run-dir", dir.appendingPathComponent("run").path,
                                                                   "--resume", disk.path])
        XCTAssertEqual(resumed.status, 0, resumed.output)
    }

    func testWarnTrainsOnAndRetriesEveryCheckpoint() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let disk = try diskForOneCheckpoint(dir)
        let r = try DDPTrainProcess.mpirun(ranks: 2, base + ["--epochs", "3", "--run-dir", dir.appendingPathComponent("run").path,
                                                             "--checkpoint-dir", disk.path, "--checkpoint-every", "6",
                                                             "--keep-checkpoints", "1", "--on-checkpoint-error", "warn"])
        XCTAssertEqual(r.status, 0, r.output)
        for step in [12, 18] {
            XCTAssertTrue(r.stderr.contains("cannot write checkpoint step-000000\(step)"), "no retry at step \(step): \(r.stderr)")
        }
        XCTAssertTrue(r.stderr.contains("training goes on and the next checkpoint tries again"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk.path), ["step-00000006"])
        // The disk is still full: the resume starts from the newest intact checkpoint and warns again.
        let resumed = try DDPTrainProcess.mpirun(ranks: 2, base + ["--epochs", "3", "--run-dir", dir.appendingPathComponent("run2").path,
                                                                   "--checkpoint-dir", disk.path, "--resume", "latest",
                                                                   "--on-checkpoint-error", "warn"])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertTrue(resumed.stderr.contains("cannot write checkpoint step-00000012"), resumed.stderr)
    }

    func testAFullDiskNeverLeavesAPartialMetricsLine() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let disk = try smallDisk(bytes: 16384, in: dir, name: "rundisk")
        let run = disk.appendingPathComponent("run")
        let r = try DDPTrainProcess.run(base + ["--epochs", "20", "--run-dir", run.path])
        XCTAssertTrue(r.stderr.contains("metrics.jsonl: cannot append"), r.output)
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertTrue(text.isEmpty || text.hasSuffix("\n"), "metrics.jsonl ends in a partial line")
        for (number, line) in text.split(separator: "\n").enumerated() {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "line \(number + 1) is torn: \(line)")
        }
        // summary.json is written atomically: complete or absent, never torn.
        if let summary = FileManager.default.contents(atPath: run.appendingPathComponent("summary.json").path) {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: summary))
        } else {
            XCTAssertNotEqual(r.status, 0, "summary.json is missing but the run reported success")
            XCTAssertTrue(r.stderr.contains("summary.json"), r.stderr)
        }
    }
}
