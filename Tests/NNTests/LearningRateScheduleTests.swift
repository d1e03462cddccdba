import Foundation
import NN
import XCTest

/// `LearningRateSchedule` against PyTorch's StepLR and CosineAnnealingLR
/// (`Fixtures/schedules.json`).
///
/// The schedule returns Float, so agreement is to Float32 rounding: relative 1e-6 (Float(0.1)
/// alone is 1.5e-9 off, one `pow` or `cos` rounded to Float adds 6e-8).
final class LearningRateScheduleTests: XCTestCase {
    private func fixture() throws -> ScheduleFixture {
        try FixtureLoader.load(ScheduleFixture.self, "schedules")
    }

    private func schedule(_ name: String, in f: ScheduleFixture) throws -> ScheduleFixture.Schedule {
        try XCTUnwrap(f.schedules.first { $0.scheduler == name }, "schedules.json has no \(name)")
    }

    func testStepMatchesPyTorchStepLR() throws {
        let f = try fixture()
        let s = try schedule("StepLR", in: f)
        let stepSize = try XCTUnwrap(s.options["step_size"]), gamma = try XCTUnwrap(s.options["gamma"])
        let lr = LearningRateSchedule(.step(stepSize: Int(stepSize), gamma: Float(gamma)))
        XCTAssertEqual(s.lrs.count, f.steps)
        for (t, expected) in s.lrs.enumerated() {
            assertClose(Double(lr.learningRate(base: Float(f.baseLR), step: t)), expected, relative: 1e-6, "step \(t)")
        }
    }

    /// PyTorch computes CosineAnnealingLR recursively from the previous rate; ddp-train uses the
    /// closed form. Within the schedule (t ≤ T_max) the two agree to Float32 rounding.
    func testCosineMatchesPyTorchUpToTotalSteps() throws {
        let f = try fixture()
        let s = try schedule("CosineAnnealingLR", in: f)
        let total = Int(try XCTUnwrap(s.options["T_max"])), minimum = try XCTUnwrap(s.options["eta_min"])
        let lr = LearningRateSchedule(.cosine(totalSteps: total, minimum: Float(minimum)))
        XCTAssertGreaterThan(s.lrs.count, total, "the fixture should reach T_max")
        for t in 0...total {
            assertClose(Double(lr.learningRate(base: Float(f.baseLR), step: t)), s.lrs[t], relative: 1e-6, "step \(t)")
        }
    }

    /// PyTorch's recursion is the closed form, unclamped, to float64 noise at every step of the
    /// fixture, past T_max too: there it is periodic and climbs back towards the base rate.
    func testPyTorchRecursionEqualsUnclampedClosedForm() throws {
        let f = try fixture()
        let s = try schedule("CosineAnnealingLR", in: f)
        let total = try XCTUnwrap(s.options["T_max"]), minimum = try XCTUnwrap(s.options["eta_min"])
        for (t, pytorch) in s.lrs.enumerated() {
            let closed = minimum + (f.baseLR - minimum) * (1 + cos(Double.pi * Double(t) / total)) / 2
            assertClose(closed, pytorch, relative: 1e-12, "step \(t)")
        }
    }

    /// Past `totalSteps`, ddp-train deliberately holds the minimum where PyTorch's periodic
    /// schedule would rise again (step 11 of the fixture: PyTorch 0.00342, ddp-train 0.001).
    /// Runs that set `totalSteps` to the run length never reach this region.
    func testCosineHoldsMinimumPastTotalSteps() throws {
        let f = try fixture()
        let s = try schedule("CosineAnnealingLR", in: f)
        let total = Int(try XCTUnwrap(s.options["T_max"])), minimum = Float(try XCTUnwrap(s.options["eta_min"]))
        let lr = LearningRateSchedule(.cosine(totalSteps: total, minimum: minimum))
        for t in (total + 1)..<s.lrs.count {
            XCTAssertEqual(lr.learningRate(base: Float(f.baseLR), step: t), minimum, "step \(t)")
            XCTAssertGreaterThan(s.lrs[t], Double(minimum) * 2, "PyTorch rises again at step \(t)")
        }
    }

    /// Linear warmup base·(t+1)/W over the first W steps, then the schedule restarted at 0.
    func testWarmupThenSchedule() {
        let lr = LearningRateSchedule(.step(stepSize: 2, gamma: 0.5), warmupSteps: 4)
        let rates = (0..<8).map { lr.learningRate(base: 0.8, step: $0) }
        assertClose(rates, [0.2, 0.4, 0.6, 0.8, 0.8, 0.8, 0.4, 0.4], relative: 1e-6)
        XCTAssertEqual(LearningRateSchedule().learningRate(base: 0.3, step: 1000), 0.3)
    }
}
