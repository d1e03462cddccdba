import Foundation
import XCTest

/// How data and output divide across ranks, with real `mpirun`: uneven data neither hangs nor
/// drifts, impossible splits are clear errors, and rank 0 alone reports the effective batch,
/// the run directory and per-phase timings.
final class MPIShardingTests: XCTestCase {
    static let mlp = ["--depth", "3", "--width", "16"]

    /// 101 samples over 4 ranks: padding to 104 gives every rank 26 samples (6 batches of up to
    /// 5); `--drop-last` gives every rank 25 (5 batches). Either way every rank takes the same
    /// steps, so the job finishes, and replicas stay identical (checked after every step).
    func testUnevenDataTrainsWithPaddingAndWithDropLast() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let base = Self.mlp + ["--samples", "101", "--global-batch-size", "20", "--epochs", "3", "--log-every", "1"]
        let cases: [(name: String, flags: [String], stepsPerEpoch: Int)] = [
            ("padded", [], 6), ("padded-shuffled", ["--shuffle"], 6),
            ("drop-last", ["--drop-last"], 5), ("drop-last-shuffled", ["--drop-last", "--shuffle"], 5),
        ]
        for c in cases {
            let run = try MPIHarness.train(ranks: 4, base + c.flags, in: directory, name: c.name)
            XCTAssertEqual(run.losses.count, 3 * c.stepsPerEpoch, "\(c.name): optimizer steps over 3 epochs")
            XCTAssertTrue(run.losses.allSatisfy(\.isFinite), "\(c.name): finite losses")
            let epochs = try DDPTrainProcess.metrics(run.runDirectory, type: "epoch")
            XCTAssertEqual(epochs.compactMap { $0["step"] as? Int }, (1...3).map { $0 * c.stepsPerEpoch }, c.name)
            print(String(format: "[MPI] 101 samples over 4 ranks, %@: %d steps in %.1f s", c.name, run.losses.count, run.result.seconds))
        }
    }

    /// With `--drop-last`, uneven data keeps the core invariant: 101 shuffled samples, global
    /// batch 20, 2 or 4 ranks see exactly the batches one process sees (the first 100 positions of
    /// each epoch's permutation, 20 at a time), so the 50-step loss curves agree.
    func testDropLastOnUnevenDataMatchesOneProcess() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let arguments = Self.mlp + ["--samples", "101", "--global-batch-size", "20", "--epochs", "10", "--drop-last", "--shuffle",
                                    "--log-every", "1", "--optimizer", "adam", "--lr", "0.01"]
        let single = try MPIHarness.train(ranks: 1, arguments, in: directory, name: "single")
        for ranks in [2, 4] {
            let run = try MPIHarness.train(ranks: ranks, arguments, in: directory, name: "ranks-\(ranks)")
            MPIHarness.assertLossesClose(run, to: single, steps: 50, tolerance: 1e-4, "101 samples, --drop-last, shuffled")
        }
    }

    /// A global batch that does not split evenly over the ranks is refused on start, naming the
    /// flag and the fix, and the job ends.
    func testGlobalBatchThatDoesNotDivideIsClearError() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let result = try DDPTrainProcess.mpirun(ranks: 4, Self.mlp + ["--global-batch-size", "22", "--epochs", "1",
                                                                      "--run-dir", directory.appendingPathComponent("run").path],
                                                timeout: 60)
        XCTAssertNotEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stderr.contains("global batch size 22 does not divide across 4 ranks"), result.output)
        XCTAssertTrue(result.stderr.contains("--global-batch-size"), result.output)
        XCTAssertLessThan(result.seconds, 60, "the job should end, not hang")
    }

    /// The start-up line and config.json give the effective batch (per-rank batch × ranks ×
    /// accumulation); rank 0 alone writes the run directory (one record per step, not one per
    /// rank); step records carry each phase's mean and max across ranks, and samples/s.
    func testEffectiveBatchRunDirectoryAndPhaseTimings() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let runDirectory = directory.appendingPathComponent("run")
        let result = try DDPTrainProcess.mpirun(ranks: 2, Self.mlp + ["--batch-size", "10", "--accumulate-steps", "3", "--epochs", "2",
                                                                      "--log-every", "1", "--run-dir", runDirectory.path],
                                                timeout: 120)
        XCTAssertEqual(result.status, 0, result.output)
        // 50 samples per rank: 5 micro-batches of 10, one step of 3 per epoch.
        XCTAssertTrue(result.stdout.contains("ranks 2 × per-rank batch 10 × accumulation 3 = effective batch 60"), result.stdout)
        XCTAssertEqual(result.stdout.components(separatedBy: "effective batch 60").count - 1, 1, "printed once, by rank 0")

        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: runDirectory.appendingPathComponent("config.json")))
        let resolved = try XCTUnwrap((config as? [String: Any])?["resolved"] as? [String: Any])
        XCTAssertEqual(resolved["effectiveBatchSize"] as? Int, 60)
        XCTAssertEqual(resolved["perRankBatchSize"] as? Int, 10)
        XCTAssertEqual(resolved["worldSize"] as? Int, 2)

        let steps = try DDPTrainProcess.metrics(runDirectory, type: "step")
        XCTAssertEqual(steps.compactMap { $0["step"] as? Int }, [1, 2], "one record per step: only rank 0 writes")
        for record in steps {
            let timing = try XCTUnwrap(record["timing"] as? [String: Any], "a step record has no timing")
            for phase in ["forward", "backward", "gradient_sync", "optimizer"] {
                let stats = try XCTUnwrap(timing[phase] as? [String: Any], "no \(phase) timing in \(record)")
                let mean = try XCTUnwrap(MPIHarness.number(stats["mean_ms"])), max = try XCTUnwrap(MPIHarness.number(stats["max_ms"]))
                XCTAssertGreaterThanOrEqual(mean, 0, phase)
                XCTAssertGreaterThanOrEqual(max, mean, "\(phase): the slowest rank is at least the mean")
            }
            let throughput = try XCTUnwrap(MPIHarness.number(record["samples_per_second"]))
            XCTAssertGreaterThan(throughput, 0)
        }
    }
}
