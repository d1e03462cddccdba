import Foundation
import Training
import XCTest

final class EvaluationScheduleTests: XCTestCase {
    func testEveryKStepsLandsOnMultiplesOfK() throws {
        let schedule = try EvaluationSchedule(parsing: "every:10")
        XCTAssertEqual(schedule, .every(10))
        XCTAssertEqual(schedule.next(after: 0), 10)
        XCTAssertEqual(schedule.next(after: 10), 20)
        XCTAssertEqual(schedule.next(after: 13), 20)
        XCTAssertEqual(try EvaluationSchedule(parsing: "7"), .every(7))
    }

    func testGeometricBoundsTheRelativeErrorOfACrossing() throws {
        let r = 0.05
        let schedule = try EvaluationSchedule(parsing: "geometric:\(r)")
        var steps = [0]
        while steps.last! < 100_000 { steps.append(schedule.next(after: steps.last!)) }
        // Consecutive evaluations never sit more than a factor 1 + r apart once past the
        // first few integer steps, so a crossing is recorded within 5 % of the true step.
        for (a, b) in zip(steps.dropFirst(), steps.dropFirst(2)) where Double(a) >= 1 / r {
            XCTAssertLessThanOrEqual(Double(b), Double(a) * (1 + r) + 1, "evaluations at \(a) and \(b)")
        }
        // About ln(S)/ln(1+r) evaluations, far fewer than every step.
        let expected = log(100_000.0) / log(1 + r)
        XCTAssertLessThan(Double(steps.count), expected + 1 / r + 5)
        XCTAssertGreaterThan(Double(steps.count), expected * 0.5)
        XCTAssertEqual(steps.count, Set(steps).count, "strictly increasing")
    }

    func testBadSchedulesAreRefusedWithTheForms() {
        for text in ["geometric:0", "geometric:-1", "every:0", "hourly", "geometric:x"] {
            XCTAssertThrowsError(try EvaluationSchedule(parsing: text), text) { error in
                XCTAssertTrue("\(error)".contains("every:K"), "\(error)")
            }
        }
    }
}
