import Foundation
import XCTest
@testable import Experiments

/// The McCandlish fit S(B) = S_min(1 + B_crit/B): recovery of known parameters, the bootstrap
/// intervals' coverage, censored batches, and the constraint boundaries.
final class ScalingFitTests: XCTestCase {
    static let batches = [8, 16, 32, 64, 128, 256, 512, 1024]

    /// One summary per batch with `seeds` runs at S_min(1 + B_crit/B)·exp(σz), rounded to steps.
    func synthetic(sMin: Double = 500, bCrit: Double = 64, sigma: Double, seeds: Int = 5,
                   rng: inout SeededGenerator, resamples: Int = 1) -> [StepsSummary] {
        Self.batches.map { b in
            let truth = sMin * (1 + bCrit / Double(b))
            let outcomes = (0..<seeds).map { _ in TrialOutcome.reached(steps: Int(rng.noisy(truth, sigma: sigma).rounded())) }
            return StepsSummary(batch: b, outcomes: outcomes, resamples: resamples)
        }
    }

    func testRecoversSMinAndBCritFromNoiselessCurve() throws {
        var rng = SeededGenerator(seed: 1)
        let fit = ScalingFit(summaries: synthetic(sigma: 0, rng: &rng), resamples: 50)
        XCTAssertEqual(fit.status, .fitted)
        // Only rounding to whole steps perturbs the points.
        XCTAssertEqual(try XCTUnwrap(fit.sMin), 500, accuracy: 0.5)
        XCTAssertEqual(try XCTUnwrap(fit.bCrit), 64, accuracy: 0.1)
        XCTAssertEqual(try XCTUnwrap(fit.eMin), 32_000, accuracy: 50)
        XCTAssertEqual(try XCTUnwrap(fit.predictedSteps(batch: 32)), 1500, accuracy: 1)
    }

    func testRecoversSMinAndBCritWithinTenPercentUnderFivePercentNoise() throws {
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<20 {
            let fit = ScalingFit(summaries: synthetic(sigma: 0.05, rng: &rng), resamples: 20)
            XCTAssertEqual(fit.status, .fitted)
            XCTAssertEqual(try XCTUnwrap(fit.sMin), 500, accuracy: 50, "S_min within 10 %")
            XCTAssertEqual(try XCTUnwrap(fit.bCrit), 64, accuracy: 6.4, "B_crit within 10 %")
        }
    }

    func testBCritIntervalsCoverTheTruthInMostReplications() throws {
        // 200 replications × 5 seeds per batch at 15 % multiplicative noise; 95 % intervals.
        var rng = SeededGenerator(seed: 2024)
        var covered = 0, relativeWidths = [Double]()
        let replications = 200
        for r in 0..<replications {
            let fit = ScalingFit(summaries: synthetic(sigma: 0.15, rng: &rng), resamples: 400, seed: UInt64(r))
            let interval = try XCTUnwrap(fit.bCritInterval)
            if interval.contains(64) { covered += 1 }
            relativeWidths.append(((interval.upper ?? .infinity) - (interval.lower ?? .infinity)) / 64)
        }
        let rate = Double(covered) / Double(replications)
        let medianWidth = relativeWidths.sorted()[replications / 2]
        print("B_crit 95 % interval coverage over \(replications) replications: \(rate), median width / B_crit: \(medianWidth)")
        XCTAssertGreaterThanOrEqual(rate, 0.85, "coverage \(rate)")
        // Covering by being uselessly wide would not count: the typical interval must be bounded and informative.
        XCTAssertLessThan(medianWidth, 1.0, "median interval width relative to B_crit")
    }

    func testBootstrapIsDeterministicAndContainsThePointEstimate() throws {
        var rng = SeededGenerator(seed: 5)
        let summaries = synthetic(sigma: 0.1, rng: &rng)
        let a = ScalingFit(summaries: summaries, resamples: 500, seed: 9)
        let b = ScalingFit(summaries: summaries, resamples: 500, seed: 9)
        XCTAssertEqual(a, b)
        let c = ScalingFit(summaries: summaries, resamples: 500, seed: 10)
        XCTAssertNotEqual(a.bCritInterval, c.bCritInterval, "another seed draws other resamples")
        XCTAssertTrue(try XCTUnwrap(a.bCritInterval).contains(try XCTUnwrap(a.bCrit)))
        XCTAssertTrue(try XCTUnwrap(a.sMinInterval).contains(try XCTUnwrap(a.sMin)))
        XCTAssertTrue(try XCTUnwrap(a.eMinInterval).contains(try XCTUnwrap(a.eMin)))
        XCTAssertEqual(a.resamples, 500)
        XCTAssertEqual(a.resamplesDroppingBatch, 0)
    }

    func testAllSeedsEqualGivesZeroWidthIntervals() throws {
        let summaries = Self.batches.map { b in
            StepsSummary(batch: b, outcomes: Array(repeating: .reached(steps: 500 + 32_000 / b), count: 4), resamples: 10)
        }
        let fit = ScalingFit(summaries: summaries, resamples: 200, seed: 1)
        let bc = try XCTUnwrap(fit.bCritInterval)
        XCTAssertEqual(bc.lower, fit.bCrit)
        XCTAssertEqual(bc.upper, fit.bCrit)
        XCTAssertEqual(try XCTUnwrap(fit.sMinInterval).lower, try XCTUnwrap(fit.sMinInterval).upper)
    }

    /// Steps exactly on the curve, with some seeds replaced.
    func onCurve(_ b: Int, seeds: Int = 5) -> [TrialOutcome] {
        Array(repeating: .reached(steps: 500 + 32_000 / b), count: seeds)
    }

    func testMostlyCensoredBatchIsExcludedAndListed() throws {
        var summaries = Self.batches.map { StepsSummary(batch: $0, outcomes: onCurve($0), resamples: 10) }
        // At B = 8 three of five seeds hit a cap of 1000 steps, far below the curve's 4500.
        summaries[0] = StepsSummary(batch: 8, outcomes: [.censored(steps: 1000), .reached(steps: 4500), .censored(steps: 1000),
                                                         .reached(steps: 4500), .censored(steps: 1000)], resamples: 10)
        let fit = ScalingFit(summaries: summaries, resamples: 300)
        XCTAssertEqual(fit.excludedBatches, [8])
        XCTAssertEqual(fit.points.map(\.batch), Array(Self.batches.dropFirst()))
        let without = ScalingFit(summaries: Array(summaries.dropFirst()), resamples: 10)
        XCTAssertEqual(fit.sMin, without.sMin, "the censored batch contributes nothing to the point fit")
        XCTAssertEqual(fit.bCrit, without.bCrit)
        XCTAssertEqual(try XCTUnwrap(fit.bCrit), 64, accuracy: 0.1)
        // Reading the cap as reaching the target would have put (8, 1000) in the fit and moved B_crit a lot.
        var capAsReached = summaries
        capAsReached[0] = StepsSummary(batch: 8, outcomes: [.reached(steps: 1000), .reached(steps: 4500), .reached(steps: 1000),
                                                            .reached(steps: 4500), .reached(steps: 1000)], resamples: 10)
        let wrong = ScalingFit(summaries: capAsReached, resamples: 10)
        XCTAssertGreaterThan(abs(try XCTUnwrap(wrong.bCrit) - 64), 5, "the test case must be one where the mistake shows")
        XCTAssertEqual(fit.resamplesDroppingBatch, 0, "B = 8 is not in the point fit, so it never counts as dropped")
    }

    func testMinorityCensoredBatchUsesTheLargerMedianNotTheCap() throws {
        var summaries = Self.batches.map { StepsSummary(batch: $0, outcomes: onCurve($0), resamples: 10) }
        // At B = 16 (curve: 2500) two of five seeds are censored at a cap of 600.
        let mixed: [TrialOutcome] = [.reached(steps: 2300), .censored(steps: 600), .reached(steps: 2500),
                                     .censored(steps: 600), .reached(steps: 2400)]
        summaries[1] = StepsSummary(batch: 16, outcomes: mixed, resamples: 10)
        let fit = ScalingFit(summaries: summaries, resamples: 300)
        XCTAssertEqual(fit.excludedBatches, [])
        XCTAssertEqual(fit.points.first { $0.batch == 16 }?.medianSteps, 2500, "the censored seeds sort above 2500")
        var expected = summaries
        expected[1] = StepsSummary(batch: 16, outcomes: Array(repeating: .reached(steps: 2500), count: 5), resamples: 10)
        XCTAssertEqual(fit.bCrit, ScalingFit(summaries: expected, resamples: 10).bCrit)
        var capAsReached = summaries
        capAsReached[1] = StepsSummary(batch: 16, outcomes: mixed.map { .reached(steps: $0.steps) }, resamples: 10)
        let wrong = ScalingFit(summaries: capAsReached, resamples: 10)
        XCTAssertNotEqual(wrong.bCrit, fit.bCrit, "counting the cap as reached would change the fit")
        XCTAssertGreaterThan(fit.resamplesDroppingBatch, 0, "resamples with ≥ 3 censored seeds drop B = 16")
    }

    func testFlatStepsGiveNoCriticalBatch() throws {
        let summaries = [8, 64, 512].enumerated().map { i, b in
            StepsSummary(batch: b, outcomes: [.reached(steps: 1000 + 10 * i)], resamples: 5)
        }
        let fit = ScalingFit(summaries: summaries, resamples: 20)
        XCTAssertEqual(fit.status, .noCriticalBatch, "steps rising with batch: the slope is clamped at 0")
        XCTAssertEqual(fit.bCrit, 0)
        XCTAssertEqual(fit.eMin, 0)
        XCTAssertEqual(try XCTUnwrap(fit.sMin), 1010, accuracy: 15)
    }

    func testPerfectScalingHasNoFiniteSMin() throws {
        // Steps ∝ 1/B²-ish: falling faster than 1/B, so the unconstrained intercept is negative.
        let summaries = [8, 16, 32, 64].map { b in
            StepsSummary(batch: b, outcomes: [.reached(steps: 4_096_000 / (b * b))], resamples: 5)
        }
        let fit = ScalingFit(summaries: summaries, resamples: 20)
        XCTAssertEqual(fit.status, .unboundedCriticalBatch)
        XCTAssertNil(fit.sMin, "no finite S_min to report")
        XCTAssertNil(fit.bCrit, "B_crit beyond the measured range (+∞)")
        XCTAssertGreaterThan(try XCTUnwrap(fit.eMin), 0)
        XCTAssertNil(try XCTUnwrap(fit.bCritInterval).upper)
    }

    func testFewerThanTwoUncensoredBatchesIsInsufficientData() {
        let fit = ScalingFit(summaries: [StepsSummary(batch: 8, outcomes: [.reached(steps: 10)], resamples: 5),
                                         StepsSummary(batch: 16, outcomes: [.censored(steps: 10)], resamples: 5)],
                             resamples: 10)
        XCTAssertEqual(fit.status, .insufficientData)
        XCTAssertNil(fit.eMin)
        XCTAssertNil(fit.bCritInterval)
        XCTAssertEqual(fit.unfittableResamples, 10)
    }
}
