import Foundation
import XCTest
@testable import Experiments

/// TrialOutcome's JSON shape, its round trip, and which outcomes count as reaching the target.
final class TrialOutcomeTests: XCTestCase {
    func testEncodesAsStatusAndSteps() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(TrialOutcome.reached(steps: 1200)), as: UTF8.self)
        XCTAssertEqual(json, #"{"status":"reached","steps":1200}"#)
        let stopped = String(decoding: try encoder.encode(TrialOutcome.stoppedEarly(steps: 40)), as: UTF8.self)
        XCTAssertEqual(stopped, #"{"status":"stopped","steps":40}"#)
    }

    func testRoundTripsEveryCase() throws {
        let all: [TrialOutcome] = [.reached(steps: 1), .censored(steps: 5000), .diverged(steps: 17), .stoppedEarly(steps: 300)]
        let decoded = try JSONDecoder().decode([TrialOutcome].self, from: JSONEncoder().encode(all))
        XCTAssertEqual(decoded, all)
    }

    func testUnknownStatusIsAnErrorNamingIt() {
        let data = Data(#"{"status":"finished","steps":3}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(TrialOutcome.self, from: data)) {
            XCTAssertTrue("\($0)".contains("finished"), "\($0)")
        }
    }

    func testOnlyReachedHasStepsToTargetAndOthersAreInfinite() {
        XCTAssertEqual(TrialOutcome.reached(steps: 9).stepsToTarget, 9)
        for other in [TrialOutcome.censored(steps: 9), .diverged(steps: 9), .stoppedEarly(steps: 9)] {
            XCTAssertNil(other.stepsToTarget)
            XCTAssertFalse(other.reachedTarget)
            XCTAssertEqual(other.stepsOrInfinity, .infinity, "\(other) must never count as reaching at its last step")
            XCTAssertEqual(other.steps, 9)
        }
    }
}
