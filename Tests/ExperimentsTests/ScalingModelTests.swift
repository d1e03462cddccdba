import Foundation
import XCTest
@testable import Experiments
import Training

/// The cost model's arithmetic against cases computed by hand, the α/β fit, the compute fit and
/// the measured-throughput reader.
final class ScalingModelTests: XCTestCase {
    /// c = 10 µs/sample, n = 4 MB, α = 5 µs, β = 1 ns/byte, global batch 256.
    let strong = ScalingCostModel(computeSecondsPerSample: 10e-6, gradientBytes: 4_000_000, alphaSeconds: 5e-6,
                                  betaSecondsPerByte: 1e-9)

    func testRingAllreduceCost() {
        XCTAssertEqual(strong.allreduceSeconds(ranks: 1), 0, "one rank sends nothing")
        // P = 2: 2·1·5 µs + 2·(1/2)·4e6 B·1 ns = 10 µs + 4000 µs.
        XCTAssertEqual(strong.allreduceSeconds(ranks: 2), 4010e-6, accuracy: 1e-12)
        // P = 4: 2·3·5 µs + 2·(3/4)·4e6 B·1 ns = 30 µs + 6000 µs.
        XCTAssertEqual(strong.allreduceSeconds(ranks: 4), 6030e-6, accuracy: 1e-12)
        // P = 64: 2·63·5 µs + 2·(63/64)·4000 µs = 630 µs + 7875 µs.
        XCTAssertEqual(strong.allreduceSeconds(ranks: 64), 8505e-6, accuracy: 1e-12)
    }

    func testStrongScalingStepTimeThroughputAndEfficiency() throws {
        let mode = ScalingMode.strong(globalBatch: 256)
        let one = try XCTUnwrap(strong.predict(ranks: 1, mode: mode))
        XCTAssertEqual(one.computeSeconds, 2560e-6, accuracy: 1e-12)  // 256 × 10 µs
        XCTAssertEqual(one.stepSeconds, 2560e-6, accuracy: 1e-12)
        XCTAssertEqual(one.samplesPerSecond, 100_000, accuracy: 1e-6)
        let four = try XCTUnwrap(strong.predict(ranks: 4, mode: mode))
        XCTAssertEqual(four.perRankBatch, 64)
        XCTAssertEqual(four.computeSeconds, 640e-6, accuracy: 1e-12)
        XCTAssertEqual(four.stepSeconds, 6670e-6, accuracy: 1e-12)  // 640 + 6030
        XCTAssertEqual(four.samplesPerSecond, 256 / 6670e-6, accuracy: 1e-6)
        XCTAssertEqual(four.communicationShare, 6030.0 / 6670.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(strong.efficiency(ranks: 4, mode: mode)), 2560.0 / (4 * 6670.0), accuracy: 1e-12)
        // At P = 2 the allreduce (4010 µs) already exceeds compute (1280 µs).
        XCTAssertEqual(strong.communicationExceedsCompute(mode: mode), 2)
        XCTAssertNil(strong.predict(ranks: 512, mode: mode), "fewer than one sample per rank")
        XCTAssertEqual(ScalingMode.strong(globalBatch: 100).perRankBatch(ranks: 8), 12.5, "G/P need not divide in the model")
    }

    /// c = 100 µs, t₀ = 50 µs, per-rank batch 32: compute 3250 µs. n = 400 kB, α = 10 µs,
    /// β = 0.1 ns/byte.
    func testWeakScalingAndTheCrossover() throws {
        let model = ScalingCostModel(computeSecondsPerSample: 100e-6, stepOverheadSeconds: 50e-6, gradientBytes: 400_000,
                                     alphaSeconds: 10e-6, betaSecondsPerByte: 0.1e-9)
        let mode = ScalingMode.weak(perRankBatch: 32)
        let eight = try XCTUnwrap(model.predict(ranks: 8, mode: mode))
        XCTAssertEqual(eight.computeSeconds, 3250e-6, accuracy: 1e-12)
        XCTAssertEqual(eight.communicationSeconds, 210e-6, accuracy: 1e-12)  // 2·7·10 + 2·(7/8)·400000·0.1e-3
        XCTAssertEqual(eight.globalBatch, 256)
        XCTAssertEqual(eight.samplesPerSecond, 256 / 3460e-6, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(model.efficiency(ranks: 8, mode: mode)), 3250.0 / 3460.0, accuracy: 1e-12)
        // comm(P) = 20(P−1) + 80(P−1)/P µs: 3239.5 at P = 159, 3259.5 at P = 160.
        XCTAssertEqual(model.communicationExceedsCompute(mode: mode), 160)
        XCTAssertNil(model.communicationExceedsCompute(mode: mode, limit: 159))
    }

    func testOverlapHidesAtMostTheGivenShareOfBackward() throws {
        var model = strong
        model.overlapFraction = 1
        model.backwardShare = 0.5
        let four = model.predict(ranks: 4, perRankBatch: 64)
        XCTAssertEqual(four.hiddenSeconds, 320e-6, accuracy: 1e-12)  // half of 640 µs compute
        XCTAssertEqual(four.stepSeconds, 6350e-6, accuracy: 1e-12)
        model.gradientBytes = 1000
        model.alphaSeconds = 1e-6
        let cheap = model.predict(ranks: 2, perRankBatch: 64)  // comm 2 µs + 1 µs = 3 µs, all hidden
        XCTAssertEqual(cheap.hiddenSeconds, 3e-6, accuracy: 1e-12)
        XCTAssertEqual(cheap.stepSeconds, 640e-6, accuracy: 1e-12)
    }

    func testSmallAllreducesAddLatencyOnlyAndNeverOverlap() {
        var model = strong
        model.smallAllreducesPerStep = 3
        XCTAssertEqual(model.communicationSeconds(ranks: 1), 0)
        // P = 4: the gradient's 6030 µs plus 3 × 2·3·5 µs = 90 µs.
        XCTAssertEqual(model.communicationSeconds(ranks: 4), 6120e-6, accuracy: 1e-12)
        XCTAssertEqual(model.allreduceSeconds(ranks: 4), 6030e-6, accuracy: 1e-12, "the gradient term alone")
        model.overlapFraction = 1
        model.backwardShare = 1
        model.gradientBytes = 0  // gradient allreduce 30 µs, small ones 90 µs
        let four = model.predict(ranks: 4, perRankBatch: 64)
        XCTAssertEqual(four.hiddenSeconds, 30e-6, accuracy: 1e-12, "only the gradient allreduce hides behind backward")
        XCTAssertEqual(four.stepSeconds, 640e-6 + 90e-6, accuracy: 1e-12)
    }

    func testAlphaBetaFitRecoversTheModelsOwnTimings() {
        let model = ScalingCostModel(computeSecondsPerSample: 0, gradientBytes: 0, alphaSeconds: 5e-6, betaSecondsPerByte: 1e-9)
        for ranks in [2, 4, 16] {
            var small = model, large = model
            small.gradientBytes = 8
            large.gradientBytes = Double(16 << 20)
            let fit = AllreduceProbe.fit(ranks: ranks, small: (8, small.allreduceSeconds(ranks: ranks)),
                                         large: (Double(16 << 20), large.allreduceSeconds(ranks: ranks)))
            XCTAssertEqual(fit.alpha, 5e-6, accuracy: 1e-15, "ranks \(ranks)")
            XCTAssertEqual(fit.beta, 1e-9, accuracy: 1e-18, "ranks \(ranks)")
        }
        let noisy = AllreduceProbe.fit(ranks: 2, small: (8, 1e-3), large: (1e6, 0.5e-3))
        XCTAssertEqual(noisy.beta, 0, "a large message timed faster than a small one gives β = 0, not negative")
        XCTAssertEqual(noisy.alpha, 0.5e-3, accuracy: 1e-15)
    }

    func testComputeFitIsLeastSquaresWithNonNegativeTerms() {
        let exact = ComputeProfile.fitLine([(10, 0.002), (100, 0.011)])
        XCTAssertEqual(exact.slope, 1e-4, accuracy: 1e-15)
        XCTAssertEqual(exact.intercept, 1e-3, accuracy: 1e-15)
        let one = ComputeProfile.fitLine([(50, 0.01)])
        XCTAssertEqual(one.intercept, 0)
        XCTAssertEqual(one.slope, 2e-4, accuracy: 1e-15)
        let flat = ComputeProfile.fitLine([(10, 0.003), (100, 0.002)])
        XCTAssertEqual(flat.slope, 0, "timing noise on a tiny model: no negative cost per sample")
        XCTAssertEqual(flat.intercept, 0.0025, accuracy: 1e-15)
    }

    func testMeasuredThroughputFromASweepSummary() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("summary.csv")
        try Data("""
            point,ranks,samples_per_second,status,error
            a,1,1000,ok,
            b,2,1500,ok,
            c,2,1700,ok,
            d,4,,failed,"exit status 1 | bad, really"
            e,2,1600,ok,

            """.utf8).write(to: file)
        let measured = try MeasuredScaling(path: file.path)
        XCTAssertEqual(measured.points.map(\.ranks), [1, 2])
        XCTAssertEqual(measured.samplesPerSecond(ranks: 2), 1600, "the median of 1500, 1700, 1600")
        let forecast = ScalingForecast(model: strong, mode: .strong(globalBatch: 256), ranks: [1, 4], measured: measured)
        XCTAssertEqual(forecast.ranks, [1, 2, 4], "measured rank counts join the table")
        XCTAssertEqual(try XCTUnwrap(forecast.rows[1].measuredEfficiency), 1600.0 / (2 * 1000), accuracy: 1e-12)
        XCTAssertTrue(forecast.text().contains("Communication exceeds compute from P = 2"), forecast.text())

        try Data("rank,throughput\n1,5\n".utf8).write(to: file)
        XCTAssertThrowsError(try MeasuredScaling(path: file.path)) { XCTAssertTrue("\($0)".contains("'samples_per_second'"), "\($0)") }
        try Data("ranks,samples_per_second\ntwo,5\n".utf8).write(to: file)
        XCTAssertThrowsError(try MeasuredScaling(path: file.path)) { XCTAssertTrue("\($0)".contains("line 2: ranks 'two'"), "\($0)") }
    }

    /// The scaling model checks the configuration before it generates or reads any data.
    func testForecastValidatesBeforeReadingData() throws {
        var config = TrainingConfig()
        config.dataset = .npy
        config.inputsPath = "/nonexistent/x.npy"
        config.targetsPath = "/nonexistent/y.npy"
        config.width = 0
        XCTAssertThrowsError(try ComputeProfile.measure(config, batches: [4])) {
            XCTAssertEqual("\($0)", "--width must be at least 1, got 0")
        }
    }
}
