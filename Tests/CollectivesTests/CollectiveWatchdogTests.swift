import Collectives
import XCTest

/// The collective timeout's report (who did not arrive, who speaks) and the per-collective
/// cost of watching. The watchdog itself runs under real mpirun in EndToEndTests.
final class CollectiveWatchdogTests: XCTestCase {
    private func report(_ peers: [CollectiveTimeoutReport.Peer], rank: Int = 0,
                        checkpoint: String? = "ckpt/step-00000006") -> CollectiveTimeoutReport {
        CollectiveTimeoutReport(rank: rank, peers: peers, collective: "allreduce", waitedSeconds: 5.2, timeout: 5,
                                silenceLimit: 2, checkpoint: checkpoint, exitCode: 4)
    }

    func testASilentRankIsMissingAndNamedWithTheStepAndCheckpoint() {
        let r = report([.init(rank: 0, step: 7, entered: 40, silentSeconds: 0),
                        .init(rank: 1, step: 7, entered: 40, silentSeconds: 5.6),
                        .init(rank: 2, step: 7, entered: 40, silentSeconds: 0.3)])
        XCTAssertEqual(r.missing, [1])
        XCTAssertTrue(r.isReporter)
        XCTAssertEqual(r.message, "collective timeout: 'allreduce' in step 7 waited 5.2 s (--collective-timeout 5); "
            + "rank(s) that did not arrive: 1 (silent for 5.6 s, last in step 7); the last checkpoint is "
            + "ckpt/step-00000006; resume with --resume ckpt/step-00000006 (or --resume latest). Ending the job (exit 4).")
    }

    func testAnAnsweringRankBehindInCollectivesIsMissing() {
        let r = report([.init(rank: 0, step: 7, entered: 40, silentSeconds: 0),
                        .init(rank: 1, step: 7, entered: 40, silentSeconds: 0.1),
                        .init(rank: 2, step: 6, entered: 37, silentSeconds: 0.2)], rank: 1, checkpoint: nil)
        XCTAssertEqual(r.missing, [2])
        XCTAssertFalse(r.isReporter, "rank 0 arrived too, and is the lower")
        XCTAssertTrue(r.message.contains("2 (in step 6, 3 collective(s) behind)"), r.message)
        XCTAssertTrue(r.message.contains("no checkpoint was written"), r.message)
    }

    func testTheLowestArrivedRankReportsWhenRankZeroIsMissing() {
        let peers: [CollectiveTimeoutReport.Peer] = [.init(rank: 0, step: 3, entered: 10, silentSeconds: 9),
                                                     .init(rank: 1, step: 3, entered: 12, silentSeconds: 0),
                                                     .init(rank: 2, step: 3, entered: 12, silentSeconds: 0)]
        XCTAssertEqual(report(peers, rank: 1).missing, [0])
        XCTAssertTrue(report(peers, rank: 1).isReporter)
        XCTAssertFalse(report(peers, rank: 2).isReporter)
    }

    func testAWatchedCollectiveIsInFlightOnlyWhileItRuns() {
        let watch = CollectiveWatch()
        let watched = WatchedCommunicator(SingleProcessCommunicator(), watch: watch)
        var values: [Float] = [1, 2]
        values.withUnsafeMutableBufferPointer { watched.allReduce($0, op: .sum) }
        watched.barrier()
        let snapshot = watch.snapshot()
        XCTAssertEqual(snapshot.entered, 2)
        XCTAssertNil(snapshot.oldestName)
        let token = watch.begin("barrier")
        XCTAssertEqual(watch.snapshot().oldestName, "barrier")
        watch.end(token)
    }

    /// What watching adds to every collective (a step has about 2 + buckets of them).
    func testWatchingCostsLittlePerCollective() {
        let watch = CollectiveWatch()
        let n = 200_000
        let start = CollectiveWatch.now()
        for _ in 0..<n { watch.end(watch.begin("allreduce")) }
        let perCollective = Double(CollectiveWatch.now() - start) / Double(n)
        print("collective watch: \(String(format: "%.0f", perCollective)) ns per collective (begin + end)")
        XCTAssertLessThan(perCollective, 20_000, "watching should cost far less than a collective")
    }
}
