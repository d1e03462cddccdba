import Foundation
import XCTest
@testable import Experiments

/// The ε_opt(B) = ε_max/(1 + B_noise/B) fit: recovery of known parameters, exactly and from
/// grid-quantised tuned rates, its bootstrap, and the constraint boundaries.
final class NoiseScaleFitTests: XCTestCase {
    static let batches = [8, 16, 32, 64, 128, 256, 512, 1024]

    func truth(_ b: Int, epsilonMax: Double = 0.5, bNoise: Double = 128) -> Double {
        epsilonMax / (1 + bNoise / Double(b))
    }

    func testRecoversEpsilonMaxAndBNoiseFromExactRates() throws {
        let fit = NoiseScaleFit(tuned: Self.batches.map { TunedLearningRate(batch: $0, learningRate: truth($0)) }, resamples: 50)
        XCTAssertEqual(fit.status, .fitted)
        XCTAssertEqual(try XCTUnwrap(fit.epsilonMax), 0.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(fit.bNoise), 128, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(fit.predictedLearningRate(batch: 128)), 0.25, accuracy: 1e-9)
        let interval = try XCTUnwrap(fit.bNoiseInterval)
        XCTAssertEqual(interval.lower ?? 0, 128, accuracy: 1e-6, "exact points without neighbours: no uncertainty")
        XCTAssertEqual(interval.upper ?? 0, 128, accuracy: 1e-6)
    }

    func testRecoversFromRatesRoundedToTheSearchGridAndTheIntervalCoversTheTruth() throws {
        // As a search with two refinements would report them: the nearest point of a 10^0.125 grid.
        let step = 0.125
        let tuned = Self.batches.map { b -> TunedLearningRate in
            let onGrid = pow(10, (log10(truth(b)) / step).rounded() * step)
            return TunedLearningRate(batch: b, learningRate: onGrid, lowerNeighbour: onGrid / pow(10, step),
                                     upperNeighbour: onGrid * pow(10, step))
        }
        let fit = NoiseScaleFit(tuned: tuned, resamples: 2000, seed: 4)
        XCTAssertEqual(fit.status, .fitted)
        XCTAssertEqual(try XCTUnwrap(fit.epsilonMax), 0.5, accuracy: 0.5 * 0.2, "within 20 %")
        XCTAssertEqual(try XCTUnwrap(fit.bNoise), 128, accuracy: 128 * 0.35, "within 35 %")
        XCTAssertTrue(try XCTUnwrap(fit.bNoiseInterval).contains(128), "\(String(describing: fit.bNoiseInterval))")
        XCTAssertTrue(try XCTUnwrap(fit.epsilonMaxInterval).contains(0.5), "\(String(describing: fit.epsilonMaxInterval))")
        XCTAssertTrue(try XCTUnwrap(fit.bNoiseInterval).contains(try XCTUnwrap(fit.bNoise)))
        XCTAssertEqual(fit, NoiseScaleFit(tuned: tuned, resamples: 2000, seed: 4), "deterministic for a seed")
        XCTAssertNotEqual(fit.bNoiseInterval, NoiseScaleFit(tuned: tuned, resamples: 2000, seed: 5).bNoiseInterval)
    }

    func testFlatRatesGiveNoNoiseScaleAndLinearRatesAnUnboundedOne() throws {
        let flat = NoiseScaleFit(tuned: [8, 64, 512].map { TunedLearningRate(batch: $0, learningRate: 0.1) }, resamples: 20)
        XCTAssertEqual(flat.status, .noNoiseScale)
        XCTAssertEqual(flat.bNoise, 0)
        XCTAssertEqual(try XCTUnwrap(flat.epsilonMax), 0.1, accuracy: 1e-12)

        // Rates growing faster than B: the intercept 1/ε_max would be negative.
        let linear = NoiseScaleFit(tuned: [8, 16, 32].map { TunedLearningRate(batch: $0, learningRate: 1e-5 * Double($0 * $0)) },
                                   resamples: 20)
        XCTAssertEqual(linear.status, .unboundedNoiseScale)
        XCTAssertNil(linear.epsilonMax)
        XCTAssertNil(linear.bNoise)
        XCTAssertNil(linear.predictedLearningRate(batch: 64))
    }

    func testOneBatchIsInsufficientData() {
        let fit = NoiseScaleFit(tuned: [TunedLearningRate(batch: 8, learningRate: 0.1)], resamples: 10)
        XCTAssertEqual(fit.status, .insufficientData)
        XCTAssertNil(fit.bNoiseInterval)
        XCTAssertEqual(fit.unfittableResamples, 10)
    }
}
