import Foundation
import XCTest

/// The core invariant, with real `mpirun`: N ranks with per-rank batch B compute what one
/// process computes with batch N·B over the same samples in the same order.
///
/// Each case trains one process and 2 and 4 ranks on the same global batch: after one step
/// every parameter tensor agrees to ‖Δ‖/‖p‖ ≤ 1e-5; over 50 steps (10 epochs of 5 global
/// batches of 20) the loss curves agree to 1e-4 relative. Every multi-rank run also checks that
/// its replicas stay bitwise identical after every step.
final class MPIEquivalenceTests: XCTestCase {
    static let mlp = ["--depth", "3", "--width", "16"]
    static let resnet = ["--preset", "seed-resnet1d", "--depth", "2", "--width", "8"]
    static let sgdMomentum = ["--optimizer", "sgd", "--momentum", "0.9"]
    /// The ResNet classifier on the seed's random data: 3 classes, 100 sequences of length 10.
    static let resnetClassifier = resnet + ["--task", "classification", "--outputs", "3"]

    func testMLPWithSGDMomentum() throws {
        try checkEquivalence("mlp sgd+momentum (shuffled)", Self.mlp + Self.sgdMomentum, lr: 0.05, shuffle: true)
    }

    func testMLPWithAdam() throws {
        try checkEquivalence("mlp adam", Self.mlp + ["--optimizer", "adam"], lr: 0.01, shuffle: false)
    }

    func testResNetWithSGDMomentum() throws {
        try checkEquivalence("resnet1d sgd+momentum", Self.resnet + Self.sgdMomentum, lr: 0.01, shuffle: false)
    }

    func testResNetWithAdam() throws {
        try checkEquivalence("resnet1d adam (shuffled)", Self.resnet + ["--optimizer", "adam"], lr: 0.001, shuffle: true)
    }

    func testResNetClassifierWithAdam() throws {
        try checkEquivalence("resnet1d classifier adam (shuffled)", Self.resnetClassifier + ["--optimizer", "adam"],
                             lr: 0.001, shuffle: true)
    }

    func testSyncBatchNormResNetClassifierWithSGDMomentum() throws {
        try checkEquivalence("resnet1d classifier batch-norm sgd+momentum",
                             Self.resnetClassifier + ["--batch-norm", "--sync-batch-norm"] + Self.sgdMomentum,
                             lr: 0.01, shuffle: false)
    }

    /// Backward is seeded with 1/world so that the allreduce's sum is the average. For 2 and 4
    /// ranks that scale is exact; for 3 it is rounded, and the result must still agree.
    func testThreeRanksWhereOneOverWorldIsRounded() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let oneStep = Self.mlp + Self.sgdMomentum + ["--lr", "0.05", "--epochs", "1", "--samples", "99",
                                                     "--global-batch-size", "99"]
        let reference = try MPIHarness.train(ranks: 1, oneStep, in: directory, name: "step-1")
        let three = try MPIHarness.train(ranks: 3, oneStep, in: directory, name: "step-3")
        XCTAssertEqual(three.losses.count, 1)
        try MPIHarness.assertWeightsClose(three, to: reference, tolerance: 1e-5, "3 ranks, 1 step")
        let control = try MPIHarness.train(ranks: 1, oneStep + ["--lr", "0.15"], in: directory, name: "step-control")
        let sensitivity = try MPIHarness.relativeDifferences(reference.weights, control.weights).map(\.difference).max() ?? 0
        XCTAssertGreaterThan(sensitivity, 100 * 1e-5, "the comparison cannot tell a 3× update apart")
    }

    func testSyncBatchNormMLPWithSGDMomentum() throws {
        try checkEquivalence("mlp batch-norm sgd+momentum (shuffled)",
                             Self.mlp + ["--batch-norm", "--sync-batch-norm"] + Self.sgdMomentum, lr: 0.05, shuffle: true)
    }

    func testSyncBatchNormResNetWithSGDMomentum() throws {
        try checkEquivalence("resnet1d batch-norm sgd+momentum",
                             Self.resnet + ["--batch-norm", "--sync-batch-norm"] + Self.sgdMomentum, lr: 0.01, shuffle: false)
    }

    /// With Adam, the bias of a Linear layer that feeds a BatchNorm has a gradient that is zero
    /// in exact arithmetic (BatchNorm subtracts the batch mean), so what Adam sees there is
    /// rounding noise, which it scales up to full-size steps of ±lr. Those biases depend on
    /// summation order and cannot agree after a step (they do not change the model's output;
    /// PyTorch models drop them with `bias=False`). Every other tensor, and the loss curve, must
    /// agree as usual.
    func testSyncBatchNormMLPWithAdam() throws {
        let biasesBeforeBatchNorm: Set<String> = ["model.0.bias", "model.3.bias", "model.6.bias"]
        try checkEquivalence("mlp batch-norm adam (shuffled)",
                             Self.mlp + ["--batch-norm", "--sync-batch-norm", "--optimizer", "adam"], lr: 0.01,
                             shuffle: true, excluding: biasesBeforeBatchNorm)
    }

    /// The comparison can fail: without SyncBatchNorm each rank normalizes over its own shard,
    /// which is a different computation, and the loss curves must show it. The replicas still
    /// stay identical after every step (the harness checks): rank 0's running statistics reach
    /// every rank at the end of each step.
    func testBatchNormWithoutSyncDiffersFromOneProcess() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let arguments = Self.mlp + ["--batch-norm"] + Self.sgdMomentum
            + ["--lr", "0.05", "--epochs", "10", "--global-batch-size", "20", "--shuffle", "--log-every", "1"]
        let single = try MPIHarness.train(ranks: 1, arguments, in: directory, name: "single")
        let four = try MPIHarness.train(ranks: 4, arguments, in: directory, name: "four")
        let worst = MPIHarness.worstLossDifference(single.losses, four.losses)
        print(String(format: "[MPI] batch-norm without sync: 4 ranks vs 1: worst loss difference %.3e (expected large)", worst))
        XCTAssertGreaterThan(worst, 1e-3, "per-rank BatchNorm statistics should change the losses")
    }

    /// `mpirun -np 4 ddp-train` with the default preset (global batch 100 = 4 × 25, 100 epochs)
    /// computes what one process computes.
    func testDefaultPresetOnFourRanksMatchesOneProcess() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let single = try MPIHarness.train(ranks: 1, ["--log-every", "1"], in: directory, name: "single")
        let four = try MPIHarness.train(ranks: 4, ["--log-every", "1"], in: directory, name: "four")
        let resolved = try resolvedConfig(four.runDirectory)
        XCTAssertEqual(resolved["perRankBatchSize"] as? Int, 25)
        XCTAssertEqual(resolved["effectiveBatchSize"] as? Int, 100)
        XCTAssertEqual(resolved["worldSize"] as? Int, 4)
        try MPIHarness.assertWeightsClose(four, to: single, tolerance: 1e-5, "default preset, 100 steps")
        MPIHarness.assertLossesClose(four, to: single, steps: 100, tolerance: 1e-4, "default preset")
        print(String(format: "[MPI] default preset: 1 process %.1f s, 4 ranks %.1f s", single.result.seconds, four.result.seconds))
    }

    /// One step's parameters and 50 steps' losses of 2 and 4 ranks against one process.
    ///
    /// A control run makes sure the one-step comparison can fail: one process at twice the
    /// learning rate (the update a gradient summed over 2 ranks instead of averaged would take)
    /// must differ from the reference by far more than the tolerance.
    private func checkEquivalence(_ label: String, _ arguments: [String], lr: Double, shuffle: Bool,
                                  excluding: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        // One step: the whole 100-sample set as one global batch.
        let oneStep = arguments + ["--lr", "\(lr)", "--epochs", "1", "--global-batch-size", "100"]
        let reference = try MPIHarness.train(ranks: 1, oneStep, in: directory, name: "step-1", file: file, line: line)
        XCTAssertEqual(reference.losses.count, 1, file: file, line: line)
        for ranks in [2, 4] {
            let run = try MPIHarness.train(ranks: ranks, oneStep, in: directory, name: "step-\(ranks)", file: file, line: line)
            try MPIHarness.assertWeightsClose(run, to: reference, tolerance: 1e-5, "\(label), 1 step", excluding: excluding,
                                              file: file, line: line)
        }
        let control = try MPIHarness.train(ranks: 1, oneStep + ["--lr", "\(2 * lr)"], in: directory, name: "step-control",
                                           file: file, line: line)
        let sensitivity = try MPIHarness.relativeDifferences(reference.weights, control.weights).map(\.difference).max() ?? 0
        print(String(format: "[MPI] %@, 1 step: control at 2× lr differs by %.3e", label, sensitivity))
        XCTAssertGreaterThan(sensitivity, 100 * 1e-5, "\(label): the one-step comparison cannot tell a 2× update apart",
                             file: file, line: line)

        // 50 steps: 10 epochs of 5 global batches of 20, in the sampler's order.
        let curve = arguments + ["--lr", "\(lr)", "--epochs", "10", "--global-batch-size", "20", "--log-every", "1",
                                 shuffle ? "--shuffle" : "--no-shuffle"]
        let referenceCurve = try MPIHarness.train(ranks: 1, curve, in: directory, name: "curve-1", file: file, line: line)
        for ranks in [2, 4] {
            let run = try MPIHarness.train(ranks: ranks, curve, in: directory, name: "curve-\(ranks)", file: file, line: line)
            MPIHarness.assertLossesClose(run, to: referenceCurve, steps: 50, tolerance: 1e-4, label, file: file, line: line)
        }
    }

    private func resolvedConfig(_ runDirectory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: runDirectory.appendingPathComponent("config.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try XCTUnwrap(object?["resolved"] as? [String: Any], "config.json has no 'resolved' object")
    }
}
