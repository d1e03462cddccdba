import Foundation
import XCTest

/// A sweep's points share generated teacher data through SWEEP_DIR/data-cache: one entry per
/// seed, and a point that reads it trains exactly as a run that generated its own.
final class SweepDataCacheTests: XCTestCase {
    let flags = ["--preset", "teacher-classification", "--samples", "512", "--epochs", "1", "--global-batch-size", "64"]

    func final(_ runDirectory: URL) throws -> [String: Double] {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: runDirectory.appendingPathComponent("summary.json")))
        return try XCTUnwrap((summary as? [String: Any])?["final"] as? [String: Double])
    }

    func testPointsShareOneEntryPerSeedAndTrainAsAStandaloneRun() throws {
        let root = try DDPTrainProcess.temporaryDirectory(self)
        let sweep = root.appendingPathComponent("sweep")
        let result = try runTrainer(["sweep"] + flags + ["--grid", "lr=0.01,0.02", "--grid", "seed=1,2", "--jobs", "2",
                                                         "--sweep-dir", sweep.path])
        XCTAssertTrue(result.stdout.contains("4 ok, 0 failed"), result.stdout)
        let entries = try FileManager.default.contentsOfDirectory(atPath: sweep.appendingPathComponent("data-cache").path)
        XCTAssertEqual(entries.filter { $0.hasSuffix(".npy") }.count, 4, "two seeds, two files each: \(entries)")

        // The same point run alone, generating its own data, ends with the same losses.
        let alone = root.appendingPathComponent("alone")
        _ = try runTrainer(["train"] + flags + ["--lr", "0.02", "--seed", "2", "--quiet", "--run-dir", alone.path])
        XCTAssertEqual(try final(alone), try final(sweep.appendingPathComponent("points/lr0.02_seed2")))
    }
}
