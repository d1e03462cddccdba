import Foundation
import XCTest
@testable import Experiments

/// Medians over seeds with censored runs as +∞, and their bootstrap intervals.
final class StepsSummaryTests: XCTestCase {
    func testMinorityCensoredGivesFiniteMedianAboveTheFinishedOnes() {
        let s = StepsSummary(batch: 64, outcomes: [.reached(steps: 510), .censored(steps: 300), .reached(steps: 530),
                                                   .censored(steps: 300), .reached(steps: 520)], resamples: 500)
        // With the censored seeds at +∞ the median is the largest finished run, not 510 (which is
        // what counting them as reaching at their cap of 300 would give).
        XCTAssertEqual(s.median, 530)
        XCTAssertFalse(s.isCensored)
        XCTAssertEqual(s.reachedCount, 3)
    }

    func testHalfOrMoreUnfinishedMakesTheMedianCensoredWithALowerBound() {
        let odd = StepsSummary(batch: 8, outcomes: [.reached(steps: 900), .censored(steps: 1000), .diverged(steps: 50),
                                                    .censored(steps: 1000), .reached(steps: 950)], resamples: 200)
        XCTAssertNil(odd.median)
        XCTAssertTrue(odd.isCensored)
        XCTAssertEqual(odd.medianLowerBound, 950, "median of 900, 1000, 50, 1000, 950 with each run at its last step")
        XCTAssertNil(odd.interval.upper, "the upper end of a mostly censored batch is +∞")

        let even = StepsSummary(batch: 8, outcomes: [.reached(steps: 100), .reached(steps: 200),
                                                     .censored(steps: 1000), .stoppedEarly(steps: 400)], resamples: 200)
        XCTAssertNil(even.median, "exactly half unfinished: the upper middle value is +∞")
        XCTAssertEqual(even.medianLowerBound, 300)
    }

    func testAllSeedsEqualGivesAZeroWidthInterval() {
        let s = StepsSummary(batch: 32, outcomes: Array(repeating: .reached(steps: 777), count: 5), resamples: 300, seed: 3)
        XCTAssertEqual(s.median, 777)
        XCTAssertEqual(s.interval.lower, 777)
        XCTAssertEqual(s.interval.upper, 777)
    }

    func testBootstrapIsDeterministicForASeedAndContainsTheMedian() {
        let outcomes: [TrialOutcome] = [.reached(steps: 410), .reached(steps: 520), .reached(steps: 480),
                                        .reached(steps: 610), .reached(steps: 455), .censored(steps: 2000)]
        let a = StepsSummary(batch: 16, outcomes: outcomes, resamples: 1000, seed: 11)
        let b = StepsSummary(batch: 16, outcomes: outcomes, resamples: 1000, seed: 11)
        XCTAssertEqual(a, b)
        let m = try! XCTUnwrap(a.median)
        XCTAssertTrue(a.interval.contains(m), "\(a.interval) should contain \(m)")
        XCTAssertLessThan(a.interval.lower ?? .infinity, m, "a spread of seeds gives a non-degenerate interval")
        let other = (1...20).map { StepsSummary(batch: 16, outcomes: outcomes, resamples: 1000, seed: 11 + $0).interval }
        XCTAssertTrue(other.contains { $0 != a.interval }, "other seeds should give some other interval")
    }

    func testRoundTripsThroughJSONWithCensoredEndsAsNull() throws {
        let s = StepsSummary(batch: 8, outcomes: [.censored(steps: 100), .censored(steps: 100), .reached(steps: 90)], resamples: 100)
        let data = try JSONEncoder().encode(s)
        XCTAssertEqual(try JSONDecoder().decode(StepsSummary.self, from: data), s)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertTrue(object["median"] == nil || object["median"] is NSNull, "a censored median is absent, never a number")
    }
}
