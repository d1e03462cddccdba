import Foundation
import XCTest

/// `ddp-train critical-batch` killed five times and rerun, a trial's summary.json truncated on
/// purpose, and a batch whose trials crash while the others finish.
final class InterruptionCriticalBatchTests: InterruptionTests {
    /// Four batches, two seeds: about 40 trials, 2–3 s uninterrupted, so kills at 0.2–1.5 s land
    /// in the tuning and in the evaluation phases.
    func study(_ dir: URL, batches: String = "8,16,32,64") -> [String] {
        ["critical-batch", "--preset", "teacher-classification", "--samples", "2048", "--batch-sizes", batches,
         "--target", "val_accuracy>=0.7", "--seeds", "2", "--max-steps", "1000", "--eval-schedule", "geometric:0.1",
         "--lr-extensions", "2", "--lr-refinements", "0", "--resamples", "200", "--jobs", "2", "--study-dir", dir.path]
    }

    func read(_ dir: URL) throws -> [String: Any] {
        try XCTUnwrap(json(try Data(contentsOf: dir.appendingPathComponent("critical-batch.json"))))
    }

    /// What does not measure time: per batch the tuned lr, steps per seed, their median and
    /// interval, the neighbours, every trial's phase, lr, seed and outcome; and the fit.
    func deterministic(_ result: [String: Any]) -> NSArray {
        let architectures = result["architectures"] as? [[String: Any]] ?? []
        return architectures.map { a -> [String: Any] in
            let batches = (a["batches"] as? [[String: Any]] ?? []).map { b -> [String: Any] in
                var kept = b.filter { ["batch_size", "lr", "steps", "steps_median", "steps_ci", "neighbours", "verdict"].contains($0.key) }
                let trials = (b["trials"] as? [[String: Any]] ?? []).map { t in
                    t.filter { ["phase", "lr", "seed", "outcome"].contains($0.key) }
                }
                // Trials are listed in the order they finished, which two job slots make vary.
                kept["trials"] = trials.sorted { canonical($0) < canonical($1) }
                return kept
            }
            return ["name": a["name"] ?? "", "batches": batches, "fit": a["fit"] ?? [:]]
        } as NSArray
    }

    /// JSON text with sorted keys: a stable order for dictionaries (their description is not).
    func canonical(_ object: Any) -> String {
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "\(object)"
    }

    /// A trial's summary.json counts as finished unless the run was pre-empted.
    func isFinished(_ data: Data) -> Bool {
        guard let summary = json(data) else { return false }
        return summary["ended"] as? String != "preempted"
    }

    func ran(_ path: String, _ stdout: String) -> Bool {
        stdout.split(separator: "\n").contains { $0.hasSuffix(" run \(path)") || $0.contains(" run \(path) on ") }
    }

    func testAKilledStudyResumesKeepingEveryFinishedTrialAndEndsAsAnUninterruptedOne() throws {
        let root = try DDPTrainProcess.temporaryDirectory(self)
        let reference = root.appendingPathComponent("reference"), dir = root.appendingPathComponent("interrupted")
        let uninterrupted = try ProcessGroupRun.run(study(reference), watching: reference)
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.stdout + uninterrupted.stderr)
        let expected = try read(reference)
        let total = try XCTUnwrap(expected["trials_run"] as? Int)

        _ = try interruptAndResume(study(dir), directory: dir, seed: 6,
                                   finished: { markers("summary.json", under: dir, valid: isFinished) },
                                   unfinished: { unfinished("summary.json", started: "trial-config.json", under: dir, valid: isFinished) },
                                   ranAgain: ran)
        let result = try read(dir)
        XCTAssertEqual(canonical(deterministic(result)), canonical(deterministic(expected)))
        // Every trial the reference ran exists once: the last run reused what the killed ones finished.
        XCTAssertEqual(markers("summary.json", under: dir, valid: isFinished).count, total)
        XCTAssertGreaterThan(result["trials_reused"] as? Int ?? 0, 0, "the last run reused finished trials")

        // A summary.json cut short is not a finished trial: it runs again, and only it.
        let trial = "trials/base/b16/evaluate-lr\(try lrName(expected, batch: 16))-seed1"
        let summary = dir.appendingPathComponent("\(trial)/summary.json")
        let data = try Data(contentsOf: summary)
        try data.prefix(data.count / 2).write(to: summary)
        let again = try ProcessGroupRun.run(study(dir), watching: dir)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(again.stdout.contains("\(trial): its summary.json cannot be read"), again.stdout)
        XCTAssertTrue(ran(trial, again.stdout), again.stdout)
        let rerun = try read(dir)
        XCTAssertEqual(rerun["trials_run"] as? Int, 1, again.stdout)
        XCTAssertEqual(rerun["trials_reused"] as? Int, total - 1)
        XCTAssertEqual(canonical(deterministic(rerun)), canonical(deterministic(expected)))
    }

    /// The directory name of batch `batch`'s tuned learning rate (`lr0.003162`).
    func lrName(_ result: [String: Any], batch: Int) throws -> String {
        let batches = try XCTUnwrap((result["architectures"] as? [[String: Any]])?.first?["batches"] as? [[String: Any]])
        let lr = try XCTUnwrap(batches.first { $0["batch_size"] as? Int == batch }?["lr"] as? Double)
        return String(format: "%.4g", lr)
    }

    func testACrashingBatchIsRecordedWithItsMessageAndTheOthersFinish() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        // A batch of 4096 from 2048 samples leaves no room for the two accumulation micro-batches
        // a one-rank trial uses: its first trial exits 1 without a summary. Found when it runs.
        let result = try ProcessGroupRun.run(study(dir, batches: "16,4096"), watching: dir)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("1 batch(es) could not be measured: trials/base/b4096/"), result.stderr)
        XCTAssertTrue(result.stderr.contains("exceeds the"), result.stderr)
        let batches = try XCTUnwrap((try read(dir)["architectures"] as? [[String: Any]])?.first?["batches"] as? [[String: Any]])
        let failed = try XCTUnwrap(batches.first { $0["batch_size"] as? Int == 4096 })
        XCTAssertEqual(failed["verdict"] as? String, "failed")
        XCTAssertTrue((failed["failure"] as? String ?? "").contains("--accumulate-steps 2 exceeds"), "\(failed)")
        let finished = try XCTUnwrap(batches.first { $0["batch_size"] as? Int == 16 })
        XCTAssertEqual(finished["verdict"] as? String, "reached", "\(finished)")
        XCTAssertEqual((finished["steps"] as? [Any])?.count, 2, "the other batch was evaluated on both seeds")
    }
}
