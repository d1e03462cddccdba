import Foundation
import XCTest

/// How gradients travel, with real `mpirun`: accumulation equals a larger batch and talks only
/// on the last micro-step, overlap does not change a bit, and 16-bit compression stays close.
final class MPIGradientSyncTests: XCTestCase {
    static let mlp = ["--depth", "3", "--width", "16"]

    /// `--accumulate-steps K` equals a K-times larger batch, alone and across ranks: after one
    /// step (global batch 100 = per-rank batch × ranks × K) the parameters agree to 1e-5.
    func testAccumulationEqualsLargerBatchAfterOneStep() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let base = Self.mlp + ["--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.05", "--epochs", "1"]
        let reference = try MPIHarness.train(ranks: 1, base + ["--global-batch-size", "100"], in: directory, name: "batch100")
        let cases: [(ranks: Int, batch: Int, steps: Int)] = [(1, 25, 4), (2, 25, 2), (4, 5, 5)]
        for (ranks, batch, k) in cases {
            let run = try MPIHarness.train(ranks: ranks, base + ["--batch-size", "\(batch)", "--accumulate-steps", "\(k)"],
                                           in: directory, name: "accumulate-\(ranks)x\(batch)x\(k)")
            XCTAssertEqual(run.losses.count, 1, "\(ranks) × \(batch) × \(k) should be one optimizer step")
            try MPIHarness.assertWeightsClose(run, to: reference, tolerance: 1e-5,
                                              "accumulation \(ranks) ranks × batch \(batch) × \(k) micro-steps, 1 step")
        }
    }

    /// Over 50 shuffled Adam steps, 2 ranks × 5 samples × 2 micro-steps follow one process at
    /// global batch 20.
    func testAccumulationLossCurveMatchesLargerBatch() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let base = Self.mlp + ["--optimizer", "adam", "--lr", "0.01", "--epochs", "10", "--shuffle", "--log-every", "1"]
        let reference = try MPIHarness.train(ranks: 1, base + ["--global-batch-size", "20"], in: directory, name: "single")
        let run = try MPIHarness.train(ranks: 2, base + ["--batch-size", "5", "--accumulate-steps", "2"], in: directory, name: "accumulate")
        MPIHarness.assertLossesClose(run, to: reference, steps: 50, tolerance: 1e-4, "accumulation 2 ranks × 5 × 2 vs batch 20, adam")
    }

    /// Accumulation micro-steps do no communication: the trace shows one allreduce per bucket
    /// per optimizer step, not per micro-step, while backward runs on every micro-step.
    func testAccumulationMicroStepsDoNotCommunicate() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let trace = directory.appendingPathComponent("trace.json")
        let run = try MPIHarness.train(ranks: 2, Self.mlp + ["--batch-size", "5", "--accumulate-steps", "4", "--epochs", "1",
                                                             "--bucket-mb", "0.001", "--trace", trace.path, "--trace-steps", "10"],
                                       in: directory, name: "accumulate")
        let steps = run.losses.count
        let buckets = try XCTUnwrap(resolved(run.runDirectory)["bucketCount"] as? Int)
        XCTAssertEqual(steps, 2, "50 samples per rank are 10 micro-batches of 5: 2 steps of 4 (2 left over)")
        XCTAssertGreaterThan(buckets, 1, "small buckets should split the gradients")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: trace)) as? [String: Any]
        let events = try XCTUnwrap(object?["traceEvents"] as? [[String: Any]], "the trace has no traceEvents")
        for rank in 0..<2 {
            let mine = events.filter { ($0["pid"] as? Int) == rank && ($0["ph"] as? String) == "X" }
            let names = mine.compactMap { $0["name"] as? String }
            let allreduces = names.filter { $0.hasPrefix("allreduce bucket") }.count
            let backwards = names.filter { $0 == "backward" }.count
            print("[MPI] accumulation ×4 on rank \(rank): \(backwards) backward passes, \(allreduces) bucket allreduces "
                  + "(\(buckets) buckets, \(steps) steps)")
            XCTAssertEqual(backwards, steps * 4, "rank \(rank): one backward per micro-step")
            XCTAssertEqual(allreduces, steps * buckets, "rank \(rank): allreduces only on the last micro-step of each step")
        }
    }

    /// `--no-overlap` changes when buckets are reduced, not what: the parameters are bitwise
    /// identical to the overlapped run's, at 2 and 4 ranks, with several buckets.
    func testNoOverlapIsBitwiseIdenticalToOverlap() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let base = Self.mlp + ["--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--global-batch-size", "20",
                               "--shuffle", "--bucket-mb", "0.001"]
        for ranks in [2, 4] {
            let overlapped = try MPIHarness.train(ranks: ranks, base, in: directory, name: "overlap-\(ranks)")
            let serial = try MPIHarness.train(ranks: ranks, base + ["--no-overlap"], in: directory, name: "no-overlap-\(ranks)")
            let buckets = try XCTUnwrap(resolved(overlapped.runDirectory)["bucketCount"] as? Int)
            XCTAssertGreaterThan(buckets, 1, "the test needs several buckets")
            XCTAssertTrue(try MPIHarness.bitwiseEqual(overlapped.weights, serial.weights),
                          "\(ranks) ranks: --no-overlap should give bitwise the same parameters as overlap")
            XCTAssertEqual(overlapped.losses, serial.losses, "\(ranks) ranks: loss curves with and without overlap")
            print("[MPI] no-overlap vs overlap, \(ranks) ranks, \(buckets) buckets, 25 steps: bitwise identical")
        }
    }

    /// fp16 and bf16 gradient compression run, keep replicas identical, change the numbers (so
    /// the flag took effect) and stay close to uncompressed training over 25 Adam steps.
    func testCompressedGradientsStayClose() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let base = Self.mlp + ["--optimizer", "adam", "--lr", "0.01", "--epochs", "5", "--global-batch-size", "20",
                               "--shuffle", "--log-every", "1"]
        let exact = try MPIHarness.train(ranks: 4, base, in: directory, name: "none")
        for (precision, weightTolerance) in [("fp16", 1e-2), ("bf16", 5e-2)] {
            let run = try MPIHarness.train(ranks: 4, base + ["--grad-compression", precision], in: directory, name: precision)
            XCTAssertFalse(try MPIHarness.bitwiseEqual(exact.weights, run.weights), "\(precision) should round the gradients")
            try MPIHarness.assertWeightsClose(run, to: exact, tolerance: weightTolerance, "\(precision) vs none, 25 steps")
            MPIHarness.assertLossesClose(run, to: exact, steps: 25, tolerance: 1e-3, "\(precision) vs none")
        }
    }

    private func resolved(_ runDirectory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: runDirectory.appendingPathComponent("config.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try XCTUnwrap(object?["resolved"] as? [String: Any], "config.json has no 'resolved' object")
    }
}
