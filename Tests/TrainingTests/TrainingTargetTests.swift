import Foundation
import Training
import XCTest

final class TrainingTargetTests: XCTestCase {
    func testParsesEachMetricAndDirection() throws {
        let accuracy = try TrainingTarget(parsing: "val_accuracy>=0.9")
        XCTAssertEqual(accuracy, TrainingTarget(metric: .validationAccuracy, comparison: .atLeast, value: 0.9))
        let loss = try TrainingTarget(parsing: " val_loss <= 0.25 ")
        XCTAssertEqual(loss, TrainingTarget(metric: .validationLoss, comparison: .atMost, value: 0.25))
        XCTAssertEqual(try TrainingTarget(parsing: "train_loss<=1").description, "train_loss<=1")
    }

    func testHoldsComparesInTheTargetsDirectionAndNeverForNaN() throws {
        let accuracy = try TrainingTarget(parsing: "val_accuracy>=0.9")
        XCTAssertTrue(accuracy.holds(for: 0.9))
        XCTAssertFalse(accuracy.holds(for: 0.899))
        let loss = try TrainingTarget(parsing: "val_loss<=0.5")
        XCTAssertTrue(loss.holds(for: 0.4))
        XCTAssertFalse(loss.holds(for: 0.6))
        XCTAssertFalse(loss.holds(for: .nan), "a diverged loss must never count as reaching a target")
    }

    func testBadTargetsNameTheProblemAndTheFix() {
        for (text, expected) in [("val_acc>=0.9", "unknown metric 'val_acc'"), ("val_accuracy=0.9", "no >= or <="),
                                 ("val_accuracy>=high", "not a finite number"), ("val_loss>=0.1", "val_loss targets use <="),
                                 ("val_accuracy>=90", "fraction in [0, 1]")] {
            XCTAssertThrowsError(try TrainingTarget(parsing: text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
                XCTAssertTrue("\(error)".contains("--target"), "\(text): \(error)")
            }
        }
    }

    func testConfigRoundTripKeepsTargetsAndScheduleAsText() throws {
        var config = TrainingConfig()
        config.targets = [try TrainingTarget(parsing: "val_loss<=0.3"), try TrainingTarget(parsing: "train_loss<=0.5")]
        config.evalSchedule = .geometric(0.05)
        config.maxSteps = 1000
        let json = try JSONEncoder().encode(config)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(object["targets"] as? [String], ["val_loss<=0.3", "train_loss<=0.5"])
        XCTAssertEqual(object["evalSchedule"] as? String, "geometric:0.05")
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: json), config)
    }

    func testAConfigFileWithABadTargetIsOneClearError() {
        let json = Data(#"{"targets": ["val_acuracy>=0.9"]}"#.utf8)
        XCTAssertThrowsError(try TrainingConfig().overlaying(json: json, source: "cfg.json")) { error in
            XCTAssertTrue("\(error)".contains("cfg.json"), "\(error)")
            XCTAssertTrue("\(error)".contains("unknown metric 'val_acuracy'"), "\(error)")
        }
    }

    func testValidationTargetsNeedAValidationSplitAndAccuracyNeedsClassification() throws {
        var config = TrainingConfig()
        config.targets = [try TrainingTarget(parsing: "val_loss<=0.3")]
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("--val-fraction"), "\($0)") }
        config.valFraction = 0.2
        XCTAssertNoThrow(try config.validate())
        config.targets = [try TrainingTarget(parsing: "val_accuracy>=0.5")]
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("--task classification"), "\($0)") }
        config.targets = [try TrainingTarget(parsing: "train_loss<=0.3")]
        config.valFraction = 0
        XCTAssertNoThrow(try config.validate(), "a training-loss target needs no validation split")
    }
}
