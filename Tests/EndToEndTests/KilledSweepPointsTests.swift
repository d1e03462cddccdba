import Foundation
import XCTest

/// A sweep killed with SIGKILL alone (not its process tree, as a user's `kill -9 PID` or an
/// out-of-memory kill does): its running points, one rank and two under mpirun, stop by
/// themselves within seconds (`SupervisorWatch`) instead of training on into the directory a
/// rerun will reuse.
final class KilledSweepPointsTests: XCTestCase {
    func testPointsOfASweepKilledAloneStopWithinSeconds() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self).appendingPathComponent("sweep")
        let points = dir.appendingPathComponent("points")
        // Both points at once (3 slots), each training far longer than the test waits.
        let arguments = ["sweep", "--depth", "2", "--width", "8", "--samples", "1024", "--epochs", "100000",
                         "--max-steps", "10000000", "--grid", "ranks=1,2", "--oversubscribe", "--jobs", "3",
                         "--sweep-dir", dir.path]
        let started = { () -> Bool in
            ["ranks1", "ranks2"].allSatisfy {
                FileManager.default.fileExists(atPath: points.appendingPathComponent("\($0)/metrics.jsonl").path)
            }
        }
        let result = try ProcessGroupRun.run(arguments, killWhen: started, onlyTheCommand: true,
                                             survivorGrace: 15, timeout: 120, watching: dir)
        XCTAssertTrue(result.killed, "the sweep ended on its own: " + result.stdout + result.stderr)
        XCTAssertTrue(started(), "both points were training when the sweep was killed")
        for point in ["ranks1", "ranks2"] {
            let stderr = (try? String(contentsOf: points.appendingPathComponent("\(point)/stderr.log"), encoding: .utf8)) ?? ""
            XCTAssertTrue(stderr.contains("the sweep or study that started this run"), "\(point): \(stderr)")
        }
    }
}
