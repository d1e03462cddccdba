import Foundation
import XCTest
@testable import Experiments

/// `ddp-train sweep` killed five times and rerun, then a point's done.json truncated on purpose.
final class InterruptionSweepTests: InterruptionTests {
    /// Six small points, two at a time, each a fraction of a second: kills at 0.2–1.5 s land
    /// before, during and after points.
    func sweep(_ dir: URL) -> [String] {
        ["sweep", "--depth", "2", "--width", "8", "--samples", "1024", "--epochs", "60",
         "--grid", "lr=0.01,0.02,0.05", "--grid", "globalBatchSize=8,16", "--jobs", "2", "--sweep-dir", dir.path]
    }

    /// Columns that measure time: they differ between any two runs.
    static let timings: Set<String> = ["samples_per_second", "forward_ms", "backward_ms", "gradient_sync_ms",
                                       "optimizer_ms", "comm_share", "seconds"]

    /// summary.csv without its timing columns, row by row.
    func deterministicSummary(_ dir: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let headers = MeasuredScaling.fields(lines[0])
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(headers, MeasuredScaling.fields(line)).filter { !Self.timings.contains($0.0) })
        }
    }

    func isDone(_ data: Data) -> Bool { json(data)?["status"] as? String == "ok" }

    func ran(_ name: String, _ stdout: String) -> Bool {
        let point = name.replacingOccurrences(of: "points/", with: "")
        return stdout.split(separator: "\n").contains { $0.hasSuffix("] run \(point)") || $0.contains("] run \(point) on ") }
    }

    func testAKilledSweepResumesKeepingEveryFinishedPoint() throws {
        let root = try DDPTrainProcess.temporaryDirectory(self)
        let reference = root.appendingPathComponent("reference"), dir = root.appendingPathComponent("interrupted")
        let uninterrupted = try ProcessGroupRun.run(sweep(reference), watching: reference)
        XCTAssertEqual(uninterrupted.status, 0, uninterrupted.stdout + uninterrupted.stderr)

        let last = try interruptAndResume(sweep(dir), directory: dir, seed: 18,
                                          finished: { markers("done.json", under: dir, valid: isDone) },
                                          unfinished: { unfinished("done.json", started: "sweep-config.json", under: dir, valid: isDone) },
                                          ranAgain: ran)
        XCTAssertTrue(last.stdout.contains("6 ok, 0 failed"), last.stdout)
        XCTAssertEqual(try deterministicSummary(dir), try deterministicSummary(reference))
        XCTAssertEqual(markers("done.json", under: dir, valid: isDone).count, 6)

        // A done.json cut short is not a finished point: it runs again, and only it.
        let point = "lr0.02_globalBatchSize16"
        let marker = dir.appendingPathComponent("points/\(point)/done.json")
        let data = try Data(contentsOf: marker)
        try data.prefix(data.count / 2).write(to: marker)
        let again = try ProcessGroupRun.run(sweep(dir), watching: dir)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertTrue(ran(point, again.stdout), again.stdout)
        XCTAssertTrue(again.stdout.contains("\(point): its done.json cannot be read"), again.stdout)
        XCTAssertEqual(again.stdout.components(separatedBy: "finished earlier (done.json)").count - 1, 5, again.stdout)
        XCTAssertEqual(try deterministicSummary(dir), try deterministicSummary(reference))
    }
}
