import Foundation
import XCTest
@testable import Experiments

/// The per-batch learning-rate search, driven by synthetic objectives: a convex bowl in log lr
/// that diverges above some rate and is censored (never reaches the target) far below it.
final class LearningRateSearchTests: XCTestCase {
    /// steps(lr) = minSteps + curvature·log10(lr/opt)², diverged above opt·10^0.8, censored above the cap.
    struct Bowl {
        var opt: Double
        var minSteps = 1000.0
        var curvature = 2000.0
        var cap = 5000
        var divergeAbove: Double { opt * pow(10, 0.8) }

        /// Steps to target, or nil if the run diverges; censoring is decided by the caller.
        func steps(_ lr: Double) -> Double? {
            if lr > divergeAbove { return nil }
            let d = log10(lr / opt)
            return minSteps + curvature * d * d
        }

        func outcome(_ lr: Double, budget: Int? = nil) -> TrialOutcome {
            guard let s = steps(lr) else { return .diverged(steps: 30) }
            if let budget, s > Double(budget), budget < cap { return .stoppedEarly(steps: budget + 1) }
            if s > Double(cap) { return .censored(steps: cap) }
            return .reached(steps: Int(s.rounded()))
        }
    }

    /// Runs the search to the end; `check` sees the search after every trial.
    @discardableResult
    func run(_ search: inout LearningRateSearch, limit: Int = 100, useBudget: Bool = false,
             _ objective: (Double, Int?) -> TrialOutcome,
             check: (LearningRateSearch) -> Void = { _ in }) throws -> LearningRateSearchResult {
        var count = 0
        while let lr = search.nextLearningRate {
            count += 1
            XCTAssertLessThanOrEqual(count, limit, "the search must end")
            if count > limit { break }
            search.record(objective(lr, useBudget ? search.earlyStopBudget : nil))
            check(search)
        }
        return try XCTUnwrap(search.result)
    }

    func testStartFarAboveTheOptimumHandlesDivergenceExtendsDownAndEndsNextToTheOptimum() throws {
        let bowl = Bowl(opt: 0.0012)
        var search = LearningRateSearch(start: 0.1)
        XCTAssertEqual(search.nextLearningRate, 0.1, "the start value is tried first")
        let result = try run(&search) { lr, _ in bowl.outcome(lr) }
        XCTAssertEqual(result.verdict, .reached)
        let chosen = try XCTUnwrap(result.learningRate)
        // The finest spacing is 10^0.125, so the nearest grid point is within half of it.
        XCTAssertLessThanOrEqual(abs(log10(chosen / bowl.opt)), 0.0625 + 1e-9, "chose \(chosen)")
        XCTAssertTrue(result.trials.contains { $0.learningRate < 0.1 / pow(10, 0.5) * 0.99 }, "the grid extended down")
        XCTAssertTrue(result.trials.contains { if case .diverged = $0.outcome { true } else { false } })
        XCTAssertFalse(result.bestOnEdge)
        XCTAssertEqual(result.steps, bowl.outcome(chosen).stepsToTarget)
        XCTAssertEqual(try XCTUnwrap(result.lowerNeighbour), chosen / pow(10, 0.125), accuracy: chosen * 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.upperNeighbour), chosen * pow(10, 0.125), accuracy: chosen * 1e-12)
        XCTAssertEqual(result.evaluationLearningRates.count, 3)
        XCTAssertEqual(result.trials, search.trials, "every trial is recorded in order")
        XCTAssertEqual(Set(result.trials.map(\.learningRate)).count, result.trials.count, "no learning rate is tried twice")
    }

    func testStartFarBelowTheOptimumSkipsCensoredRatesExtendsUpAndEndsNextToTheOptimum() throws {
        let bowl = Bowl(opt: 0.3)
        var search = LearningRateSearch(start: 0.01)
        let result = try run(&search) { lr, _ in bowl.outcome(lr) }
        XCTAssertTrue(result.trials.contains { if case .censored = $0.outcome { true } else { false } },
                      "the test needs censored trials far below the optimum")
        XCTAssertTrue(result.trials.contains { $0.learningRate > 0.01 * pow(10, 0.5) * 1.01 }, "the grid extended up")
        let chosen = try XCTUnwrap(result.learningRate)
        XCTAssertLessThanOrEqual(abs(log10(chosen / bowl.opt)), 0.0625 + 1e-9, "chose \(chosen)")
    }

    func testEarlyStopBudgetIsTheBestFinishedStepsAndStoppingEarlyKeepsTheChoice() throws {
        let bowl = Bowl(opt: 0.02)
        var plain = LearningRateSearch(start: 0.1)
        let withoutStopping = try run(&plain) { lr, _ in bowl.outcome(lr) }
        var search = LearningRateSearch(start: 0.1)
        XCTAssertNil(search.earlyStopBudget, "no trial has finished yet")
        var sawStopped = false
        let result = try run(&search, useBudget: true, { lr, budget in bowl.outcome(lr, budget: budget) }) { s in
            let best = s.trials.compactMap(\.outcome.stepsToTarget).min()
            XCTAssertEqual(s.earlyStopBudget, best)
            if case .stoppedEarly = s.trials.last!.outcome { sawStopped = true }
        }
        XCTAssertTrue(sawStopped, "the objective should have had trials worth stopping")
        XCTAssertEqual(result.learningRate, withoutStopping.learningRate)
        XCTAssertEqual(result.steps, withoutStopping.steps)
    }

    func testNothingReachingTheTargetEndsWithThatVerdictAfterExtendingTheRightWay() throws {
        var slow = LearningRateSearch(start: 0.01)
        let censored = try run(&slow) { _, _ in .censored(steps: 5000) }
        XCTAssertEqual(censored.verdict, .noneReached)
        XCTAssertNil(censored.learningRate)
        XCTAssertEqual(censored.evaluationLearningRates, [])
        let largest = try XCTUnwrap(censored.trials.map(\.learningRate).max())
        XCTAssertEqual(largest, 0.01 * pow(10, 0.5 * 5), accuracy: 1e-12, "one initial step and four extensions up")
        XCTAssertNil(TunedLearningRate(batch: 64, search: censored))

        var unstable = LearningRateSearch(start: 0.01)
        let diverged = try run(&unstable) { _, _ in .diverged(steps: 3) }
        XCTAssertEqual(diverged.verdict, .noneReached)
        let smallest = try XCTUnwrap(diverged.trials.map(\.learningRate).min())
        XCTAssertEqual(smallest, 0.01 * pow(10, -0.5 * 5), accuracy: 1e-15, "one initial step and four extensions down")
    }

    func testCensoredBelowAndDivergedAboveBisectsTheGapBeforeGivingUp() throws {
        var search = LearningRateSearch(start: 0.01)
        let result = try run(&search) { lr, _ in lr > 0.012 ? .diverged(steps: 5) : .censored(steps: 5000) }
        XCTAssertEqual(result.verdict, .noneReached)
        // Coarse: 0.01 censored, 0.0316 diverged; then 10^0.25 between them, then 10^0.125.
        let rates = result.trials.map(\.learningRate)
        XCTAssertTrue(rates.contains { abs($0 - 0.01 * pow(10, 0.25)) < 1e-12 }, "\(rates)")
        XCTAssertTrue(rates.contains { abs($0 - 0.01 * pow(10, 0.125)) < 1e-12 }, "\(rates)")
    }

    func testExtensionLimitStopsTheSearchAndFlagsTheEdge() throws {
        // Faster and faster with larger rates and no divergence: the best is always the largest.
        var search = LearningRateSearch(start: 0.01, extensionLimit: 1)
        let result = try run(&search) { lr, _ in .reached(steps: Int(1000 / lr)) }
        XCTAssertEqual(result.verdict, .reached)
        XCTAssertTrue(result.bestOnEdge)
        XCTAssertEqual(try XCTUnwrap(result.learningRate), 0.01 * pow(10, 1.0), accuracy: 1e-12, "start·√10·√10")
    }

    func testSameOutcomesGiveTheSameSearch() throws {
        let bowl = Bowl(opt: 0.05)
        var a = LearningRateSearch(start: 0.1), b = LearningRateSearch(start: 0.1)
        let ra = try run(&a) { lr, _ in bowl.outcome(lr) }
        let rb = try run(&b) { lr, _ in bowl.outcome(lr) }
        XCTAssertEqual(ra, rb)
        XCTAssertEqual(try JSONDecoder().decode(LearningRateSearchResult.self, from: JSONEncoder().encode(ra)), ra)
    }
}
