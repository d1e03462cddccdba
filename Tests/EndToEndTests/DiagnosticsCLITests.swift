import Foundation
import Reporting
import XCTest

/// `--diagnostics-every`, `--vanishing-threshold` and `--tensorboard` through the real
/// executable: warnings on standard error, records in metrics.jsonl, event files on disk.
final class DiagnosticsCLITests: XCTestCase {
    func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func diagnostics(_ record: [String: Any]) -> [String: Any]? { record["diagnostics"] as? [String: Any] }

    func testSigmoidMLPWarnsOnceAndTensorBoardMatchesMetrics() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let run = dir.appendingPathComponent("run"), tb = dir.appendingPathComponent("tb")
        let r = try DDPTrainProcess.run(["--preset", "seed-sigmoid-mlp", "--epochs", "6", "--diagnostics-every", "2",
                                         "--quiet", "--run-dir", run.path, "--tensorboard", tb.path])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(occurrences(of: "warning: gradients vanish", in: r.stderr), 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("model.0.weight"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--activation relu"), r.stderr)
        XCTAssertTrue(r.stdout.contains("Verdict: gradients vanish"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Gradient noise scale: unavailable"), r.stdout)

        let steps = try DDPTrainProcess.metrics(run, type: "step")
        let diagnosed = steps.filter { diagnostics($0) != nil }.compactMap { $0["step"] as? Int }
        XCTAssertEqual(diagnosed, [1, 2, 4, 6])
        let notes = steps.compactMap { diagnostics($0)?["noise_scale_unavailable"] as? String }
        XCTAssertEqual(notes.count, 1, "the reason is given once")

        // The TensorBoard files round-trip through the project's reader and agree with metrics.jsonl.
        let records = try TensorBoardReader.records(inDirectory: tb)
        XCTAssertEqual(records.first?.fileVersion, TensorBoardRecord.currentFileVersion)
        func scalars(_ tag: String) -> [Int: Float] {
            var out: [Int: Float] = [:]
            for rec in records { for s in rec.scalars where s.tag == tag { out[rec.step] = s.value } }
            return out
        }
        let firstLayer = scalars("grad_norm/model.0.weight")
        XCTAssertEqual(firstLayer.count, steps.count)
        for step in steps {
            let n = try XCTUnwrap((step["grad_norms"] as? [String: Any])?["model.0.weight"] as? Double)
            XCTAssertEqual(firstLayer[step["step"] as? Int ?? 0], Float(n))
        }
        let losses = scalars("train/loss")
        for step in steps { XCTAssertEqual(losses[step["step"] as? Int ?? 0], Float(step["loss"] as? Double ?? .nan)) }
        let epochs = try DDPTrainProcess.metrics(run, type: "epoch")
        let epochLoss = scalars("epoch/train_loss")
        for e in epochs { XCTAssertEqual(epochLoss[e["step"] as? Int ?? 0], Float(e["train_loss"] as? Double ?? .nan)) }
        XCTAssertEqual(scalars("activation/model.1/mean").keys.sorted(), [1, 2, 4, 6])

        let histograms = records.flatMap { rec in rec.histograms.map { (rec.step, $0) } }
        let gradients = histograms.filter { $0.1.tag == "gradients/model.0.weight" }
        XCTAssertEqual(gradients.map(\.0), [1, 2, 4, 6])
        XCTAssertEqual(gradients.first?.1.data.count, 128 * 10, "every element of the 128×10 weight's gradient")
        let activations = histograms.filter { $0.1.tag == "activations/model.1" }
        XCTAssertEqual(activations.first?.1.data.count, 100 * 128)
        XCTAssertGreaterThan(activations.first?.1.data.min ?? -1, 0, "sigmoid outputs are positive")
        XCTAssertLessThan(activations.first?.1.data.max ?? 2, 1, "sigmoid outputs are below 1")
    }

    /// The seed MLP stalls: once the later layers' gradients have vanished too, the final
    /// first-to-last ratio looks harmless. The verdict still reports the vanishing it saw.
    func testVerdictRemembersVanishingAfterTheRunStalls() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let r = try DDPTrainProcess.run(["--preset", "seed-sigmoid-mlp", "--epochs", "20", "--diagnostics-every", "10",
                                         "--quiet", "--run-dir", dir.path])
        XCTAssertEqual(r.status, 0, r.output)
        let last = try XCTUnwrap(DDPTrainProcess.metrics(dir, type: "step").last?["vanishing_factor"] as? Double)
        XCTAssertGreaterThan(last, 1e-4, "the premise: the last step's ratio is above the threshold")
        XCTAssertTrue(r.stdout.contains("Verdict: gradients vanish — at step 1 the first layer got"), r.stdout)
    }

    func testReLUResidualKaimingNetDoesNotWarn() throws {
        // The seed's example 2: a Conv1d ResNet with ReLU and skip connections, here with
        // Kaiming-normal initialization.
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let r = try DDPTrainProcess.run(["--preset", "seed-resnet1d", "--init", "kaiming-normal", "--epochs", "6",
                                         "--diagnostics-every", "2", "--quiet", "--run-dir", dir.path])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.stderr.contains("gradients vanish"), r.stderr)
        XCTAssertFalse(r.stderr.contains("dead units"), r.stderr)
        XCTAssertTrue(r.stdout.contains("Verdict: gradients flow"), r.stdout)
        let steps = try DDPTrainProcess.metrics(dir, type: "step")
        let dead = steps.compactMap { step in
            ((diagnostics(step)?["activations"] as? [String: Any])?["blocks.0.relu"] as? [String: Any])?["dead_fraction"] as? Double
        }
        XCTAssertEqual(dead.count, 4, "ReLU layers report a dead fraction at every diagnostic step")
    }

    func testTwoRanksEstimateTheNoiseScaleFromLocalAndAveragedGradients() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let r = try DDPTrainProcess.mpirun(ranks: 2, ["--preset", "teacher-regression", "--epochs", "1",
                                                      "--diagnostics-every", "3", "--quiet", "--run-dir", dir.path])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("Gradient noise scale:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("effective batch 128"), r.stdout)
        let diagnosed = try DDPTrainProcess.metrics(dir, type: "step").filter { diagnostics($0) != nil }
        XCTAssertGreaterThanOrEqual(diagnosed.count, 3)
        for step in diagnosed {
            let d = try XCTUnwrap(diagnostics(step))
            let noise = try XCTUnwrap(d["noise_scale"] as? [String: Any], "two ranks give a noise-scale estimate")
            XCTAssertEqual(noise["small_batch"] as? Int, 64)
            XCTAssertEqual(noise["large_batch"] as? Int, 128)
            XCTAssertNotNil(noise["trace_covariance"] as? Double)
            let averaged = try XCTUnwrap(step["grad_norms"] as? [String: Double])
            let local = try XCTUnwrap(d["local_grad_norms"] as? [String: [String: Double]])
            XCTAssertEqual(Set(local.keys), Set(averaged.keys))
            for (layer, norm) in averaged {
                let l = try XCTUnwrap(local[layer])
                // ‖(g₀ + g₁)/2‖ ≤ (‖g₀‖ + ‖g₁‖)/2, and the ranks' different samples differ.
                XCTAssertGreaterThanOrEqual(try XCTUnwrap(l["mean"]), norm * (1 - 1e-9), layer)
                XCTAssertGreaterThan(try XCTUnwrap(l["spread"]), 0, layer)
            }
        }
    }

    func testOneRankWithAccumulationUsesEachMicroBatchAsASmallBatch() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let r = try DDPTrainProcess.run(["--preset", "teacher-regression", "--epochs", "1", "--accumulate-steps", "4",
                                         "--diagnostics-every", "4", "--quiet", "--run-dir", dir.path])
        XCTAssertEqual(r.status, 0, r.output)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as? [String: Any]
        let perRank = try XCTUnwrap((config?["resolved"] as? [String: Any])?["perRankBatchSize"] as? Int)
        let diagnosed = try DDPTrainProcess.metrics(dir, type: "step").compactMap(diagnostics)
        XCTAssertFalse(diagnosed.isEmpty)
        for d in diagnosed {
            let noise = try XCTUnwrap(d["noise_scale"] as? [String: Any])
            XCTAssertEqual(noise["small_batch"] as? Int, perRank)
            XCTAssertEqual(noise["large_batch"] as? Int, perRank * 4)
        }
    }

    func testBadDiagnosticsFlagsAreRejectedBeforeTraining() throws {
        let negative = try DDPTrainProcess.run(["--diagnostics-every=-1", "--epochs", "1"])
        XCTAssertEqual(negative.status, 2, negative.output)
        XCTAssertTrue(negative.stderr.contains("--diagnostics-every"), negative.stderr)
        let zero = try DDPTrainProcess.run(["--diagnostics-every", "5", "--vanishing-threshold", "0", "--epochs", "1"])
        XCTAssertEqual(zero.status, 2, zero.output)
        XCTAssertTrue(zero.stderr.contains("--vanishing-threshold"), zero.stderr)
    }
}
