import Foundation
import XCTest
@testable import Experiments
import Training

/// Reading a finished run's metrics, grouping points by architecture, the linear-scaling
/// prediction, and summary.csv, on hand-made inputs.
final class SweepAnalysisTests: XCTestCase {
    func testRunMetricsReadsResolvedConfigAndMetricsLines() throws {
        let dir = try temporaryDirectory()
        let config = #"{"epochs": 2, "resolved": {"effectiveBatchSize": 32, "perRankBatchSize": 16, "worldSize": 2, "optimizerSteps": 4,"#
            + #" "learningRate": 0.019999999552965164, "learningRateRule": "linear scaling"}}"#
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        func timing(_ f: Double, _ b: Double, _ s: Double, _ o: Double) -> String {
            #""timing":{"forward":{"mean_ms":0,"max_ms":\#(f)},"backward":{"mean_ms":0,"max_ms":\#(b)},"#
                + #""gradient_sync":{"mean_ms":0,"max_ms":\#(s)},"optimizer":{"mean_ms":0,"max_ms":\#(o)}}"#
        }
        let lines = [
            #"{"type":"step","step":1,"loss":2.0,"samples_per_second":10,"vanishing_factor":0.001,"# + timing(100, 100, 100, 100)
                + #","diagnostics":{"noise_scale":{"b_simple_ema":null}}}"#,
            #"{"type":"step","step":2,"loss":1.5,"samples_per_second":300,"vanishing_factor":0.01,"# + timing(1, 2, 3, 4)
                + #","diagnostics":{"noise_scale":{"b_simple_ema":42.5}}}"#,
            #"{"type":"epoch","epoch":1,"step":2,"train_loss":1.75}"#,
            #"{"type":"step","step":3,"loss":1.0,"samples_per_second":100,"vanishing_factor":0.02,"# + timing(3, 4, 5, 6)
                + #","diagnostics":{"noise_scale":{"b_simple_ema":null}}}"#,
            #"{"type":"step","step":4,"loss":null,"samples_per_second":200,"vanishing_factor":0.05,"# + timing(2, 3, 4, 5) + "}",
            #"{"type":"epoch","epoch":2,"step":4,"train_loss":null,"val_loss":0.5}"#,
            #"{"type":"step","step":5,"tor"#,  // a torn last line is ignored
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))

        let m = try RunMetrics.read(runDirectory: dir)
        XCTAssertEqual(m.effectiveBatch, 32)
        XCTAssertEqual(m.perRankBatch, 16)
        XCTAssertEqual(m.worldSize, 2)
        XCTAssertEqual(m.learningRate, 0.02, "the Float's shortest spelling")
        XCTAssertEqual(m.learningRateRule, "linear scaling")
        XCTAssertEqual(m.epochs, 2)
        XCTAssertEqual(m.steps, 4)
        XCTAssertEqual(m.plannedSteps, 4)
        XCTAssertNil(m.finalTrainLoss, "a non-finite loss is absent, not NaN")
        XCTAssertEqual(m.finalValidationLoss, 0.5)
        XCTAssertEqual(m.epochTrainLosses, [1.75, nil])
        XCTAssertEqual(m.firstVanishingFactor, 0.001)
        XCTAssertEqual(m.lastVanishingFactor, 0.05)
        XCTAssertEqual(m.noiseScale, 42.5, "the last defined smoothed estimate")
        XCTAssertEqual(m.noiseScaleStep, 2)
        XCTAssertEqual(m.lastDiagnosticsStep, 3, "undefined (null) at step 3, so the value is from step 2")
        XCTAssertEqual(m.samplesPerSecond, 200, "median of steps 2-4 (300, 100, 200); step 1 is warm-up")
        let phases = try XCTUnwrap(m.phases)
        XCTAssertEqual(phases.forward, 2, accuracy: 1e-12)
        XCTAssertEqual(phases.backward, 3, accuracy: 1e-12)
        XCTAssertEqual(phases.gradientSync, 4, accuracy: 1e-12)
        XCTAssertEqual(phases.optimizer, 5, accuracy: 1e-12)
        XCTAssertEqual(phases.communicationShare ?? 0, 4.0 / 14.0, accuracy: 1e-12)

        try FileManager.default.removeItem(at: dir.appendingPathComponent("metrics.jsonl"))
        XCTAssertThrowsError(try RunMetrics.read(runDirectory: dir)) { XCTAssertTrue("\($0)".contains("metrics.jsonl: missing")) }
    }

    /// A finished point at (given lr, resolved lr, effective batch) with a final loss.
    func outcome(_ name: String, lr: Double, resolved: Double? = nil, batch: Int, loss: Double?, activation: String = "relu",
                 ranks: Int = 1, status: PointOutcome.Status = .ok) -> PointOutcome {
        let metrics = RunMetrics(effectiveBatch: batch, perRankBatch: batch / ranks, worldSize: ranks, learningRate: resolved ?? lr,
                                 learningRateRule: "", epochs: 1, steps: 1, plannedSteps: 1, finalTrainLoss: loss, finalValidationLoss: nil,
                                 epochTrainLosses: [loss], firstVanishingFactor: 0.1, lastVanishingFactor: 0.2, noiseScale: nil,
                                 noiseScaleStep: nil, lastDiagnosticsStep: nil, noiseScaleNote: nil, samplesPerSecond: 100,
                                 phases: nil)
        return PointOutcome(name: name, assignments: [.init(name: "lr", value: .number(lr)),
                                                      .init(name: "globalBatchSize", value: .integer(batch)),
                                                      .init(name: "activation", value: .string(activation)),
                                                      .init(name: "ranks", value: .integer(ranks))],
                            ranks: ranks, status: status, fingerprint: "", seconds: 1, givenLearningRate: lr,
                            metrics: status == .ok ? metrics : nil, error: status == .ok ? nil : "boom")
    }

    func testGroupsAreArchitecturesAndIgnoreRanksUnlessNeeded() throws {
        let grid = try SweepGrid(flags: ["lr=0.1,0.01", "globalBatchSize=16,64", "activation=relu,tanh", "ranks=1,2"])
        let outcomes = [outcome("a", lr: 0.1, batch: 16, loss: 1, ranks: 1), outcome("b", lr: 0.1, batch: 64, loss: 2, ranks: 2),
                        outcome("c", lr: 0.1, batch: 16, loss: 3, activation: "tanh")]
        let groups = SweepAnalysis.groups(outcomes, grid: grid)
        XCTAssertEqual(groups.map(\.label), ["activation=relu", "activation=tanh"])
        XCTAssertEqual(groups[0].outcomes.map(\.name), ["a", "b"])
        XCTAssertEqual(groups[0].batches, [16, 64])
        XCTAssertEqual(groups[0].outcome(learningRate: 0.1, batch: 64)?.name, "b")

        // Two points at the same lr and batch differing only in ranks: ranks must split the groups.
        let clash = outcomes + [outcome("d", lr: 0.1, batch: 16, loss: 1.1, ranks: 2)]
        XCTAssertEqual(SweepAnalysis.groups(clash, grid: grid).map(\.label),
                       ["activation=relu, ranks=1", "activation=relu, ranks=2", "activation=tanh, ranks=1"])
        XCTAssertEqual(SweepAnalysis.groups(outcomes, grid: try SweepGrid(flags: ["lr=0.1"])).map(\.label), ["all points"])
    }

    /// Smallest batch 16: best lr 0.01. The linear rule predicts 0.04 at batch 64 (nearest tried:
    /// 0.03 at log distance 0.29 against 0.1's 0.92) and 0.16 at 256 (outside the tried 0.01-0.1;
    /// nearest 0.1). Hand-computed.
    func testLinearScalingPredictionTakesTheNearestTriedRateInLogScale() {
        let outcomes = [
            outcome("1", lr: 0.001, batch: 16, loss: 0.9), outcome("2", lr: 0.01, batch: 16, loss: 0.5),
            outcome("3", lr: 0.1, batch: 16, loss: 2.0),
            outcome("4", lr: 0.01, batch: 64, loss: 0.8), outcome("5", lr: 0.03, batch: 64, loss: 0.6),
            outcome("6", lr: 0.1, batch: 64, loss: 0.4),
            outcome("7", lr: 0.01, batch: 256, loss: 1.2), outcome("8", lr: 0.1, batch: 256, loss: nil),
            outcome("9", lr: 1, batch: 256, loss: 0.1, status: .failed),
        ]
        let rows = SweepAnalysis.linearScalingPrediction(outcomes) { $0.finalTrainLoss }
        XCTAssertEqual(rows.map(\.batch), [16, 64, 256])
        XCTAssertEqual(rows[0].predictedLearningRate, 0.01, accuracy: 1e-12)
        XCTAssertEqual(rows[0].nearestLoss, 0.5)
        XCTAssertEqual(rows[1].predictedLearningRate, 0.04, accuracy: 1e-12)
        XCTAssertEqual(rows[1].nearestLearningRate, 0.03)
        XCTAssertEqual(rows[1].nearestLoss, 0.6)
        XCTAssertEqual(rows[1].bestLearningRate, 0.1)
        XCTAssertEqual(rows[1].bestLoss, 0.4)
        XCTAssertFalse(rows[1].outsideGrid)
        XCTAssertEqual(rows[2].predictedLearningRate, 0.16, accuracy: 1e-12)
        XCTAssertEqual(rows[2].nearestLearningRate, 0.1)
        XCTAssertNil(rows[2].nearestLoss, "the nearest point diverged")
        XCTAssertTrue(rows[2].outsideGrid)
        XCTAssertEqual(rows[2].bestLoss, 1.2, "the failed point is not a candidate")

        // Resolved learning rates drive the prediction: points that ran --lr-scaling linear from
        // one base lr sit exactly on the rule.
        let scaled = [outcome("a", lr: 0.01, resolved: 0.01, batch: 16, loss: 0.5),
                      outcome("b", lr: 0.01, resolved: 0.04, batch: 64, loss: 0.45)]
        let onRule = SweepAnalysis.linearScalingPrediction(scaled) { $0.finalTrainLoss }
        XCTAssertEqual(onRule.map(\.nearestLoss), [0.5, 0.45])
        XCTAssertEqual(onRule.map(\.outsideGrid), [false, false])
        XCTAssertTrue(SweepAnalysis.linearScalingPrediction([outcome("x", lr: 0.1, batch: 8, loss: nil)]) { $0.finalTrainLoss }.isEmpty)
    }

    func testSummaryCSVHasOneQuotedLinePerPoint() throws {
        let grid = try SweepGrid(flags: ["lr=0.1,0.01", "globalBatchSize=16", "activation=relu", "ranks=1"])
        var failed = outcome("f", lr: 0.01, batch: 16, loss: nil, status: .failed)
        failed.error = "exit status 1\nddp-train: error: bad \"batch\", really"
        failed.exitCode = 1
        let csv = SweepSummaryCSV(grid: grid, outcomes: [outcome("ok", lr: 0.1, batch: 16, loss: 0.25), failed])
        let lines = csv.text().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4, "header, two rows, and the final newline")
        XCTAssertTrue(lines[0].hasPrefix("point,lr,globalBatchSize,activation,ranks,effective_batch,per_rank_batch,resolved_lr,lr_rule,"))
        XCTAssertTrue(lines[1].hasPrefix("ok,0.1,16,relu,1,16,16,0.1,,1,1,0.25,,0.1,0.2,,,100.0,"), String(lines[1]))
        XCTAssertTrue(lines[1].hasSuffix(",1.00,ok,"))
        XCTAssertTrue(lines[2].hasSuffix(#",failed,"exit status 1 | ddp-train: error: bad ""batch"", really""#), String(lines[2]))
        let fields = MeasuredScaling.fields(String(lines[2]))
        XCTAssertEqual(fields.count, csv.headers.count)
        XCTAssertEqual(fields.last, #"exit status 1 | ddp-train: error: bad "batch", really"#)
    }
}
