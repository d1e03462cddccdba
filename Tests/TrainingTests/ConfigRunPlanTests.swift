import NN
import Training
import XCTest

/// `RunPlan.resolve`: batch sizes per rank and global, the effective batch, learning-rate
/// scaling, warmup in epochs, and the combinations it must refuse.
final class ConfigRunPlanTests: XCTestCase {
    private func config(_ edit: (inout TrainingConfig) -> Void = { _ in }) -> TrainingConfig {
        var c = TrainingConfig()
        edit(&c)
        return c
    }

    func testGlobalBatchIsSplitAcrossRanks() throws {
        let plan = try RunPlan.resolve(config { $0.globalBatchSize = 100 }, worldSize: 4, trainSamples: 100)
        XCTAssertEqual(plan.perRankBatch, 25)
        XCTAssertEqual(plan.effectiveBatch, 100)
        XCTAssertEqual(plan.microStepsPerEpoch, 1)
        XCTAssertEqual(plan.optimizerSteps, 100, "default 100 epochs of one full-batch step")
    }

    func testPerRankBatchOverridesGlobalAndMultipliesByRanksAndAccumulation() throws {
        let c = config { $0.batchSize = 8; $0.accumulateSteps = 2; $0.epochs = 3 }
        let plan = try RunPlan.resolve(c, worldSize: 3, trainSamples: 100)
        XCTAssertEqual(plan.perRankBatch, 8)
        XCTAssertEqual(plan.effectiveBatch, 8 * 3 * 2)
        // 100 samples over 3 ranks pad to 34 per rank: 5 micro-batches of 8 (the last short),
        // so 2 whole optimizer steps of 2 micro-batches each per epoch.
        XCTAssertEqual(plan.microStepsPerEpoch, 4)
        XCTAssertEqual(plan.optimizerSteps, 6)
    }

    func testMissingGlobalBatchMeansFullBatch() throws {
        let plan = try RunPlan.resolve(config { $0.globalBatchSize = nil }, worldSize: 2, trainSamples: 64)
        XCTAssertEqual(plan.perRankBatch, 32)
        XCTAssertEqual(plan.effectiveBatch, 64)
    }

    func testGlobalBatchThatDoesNotDivideIsRefusedWithTheFix() {
        XCTAssertThrowsError(try RunPlan.resolve(config { $0.globalBatchSize = 10 }, worldSize: 4, trainSamples: 100)) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("global batch size 10 does not divide across 4 ranks"), message)
            XCTAssertTrue(message.contains("--global-batch-size"), message)
        }
    }

    func testDropLastWithTooFewSamplesPerRankIsRefused() {
        let c = config { $0.batchSize = 64; $0.dropLast = true }
        XCTAssertThrowsError(try RunPlan.resolve(c, worldSize: 2, trainSamples: 100)) {
            XCTAssertTrue("\($0)".contains("fewer than one batch of 64"), "\($0)")
        }
    }

    func testAccumulationBeyondTheEpochIsRefused() {
        let c = config { $0.batchSize = 50; $0.accumulateSteps = 3 }
        XCTAssertThrowsError(try RunPlan.resolve(c, worldSize: 1, trainSamples: 100)) {
            XCTAssertTrue("\($0)".contains("--accumulate-steps 3 exceeds the 2 micro-batches"), "\($0)")
        }
    }

    func testLearningRateAsGivenWithoutScaling() throws {
        let plan = try RunPlan.resolve(config { $0.lr = 0.05 }, worldSize: 4, trainSamples: 100)
        XCTAssertEqual(plan.learningRate, 0.05)
        XCTAssertTrue(plan.learningRateRule.contains("as given"), plan.learningRateRule)
    }

    func testLinearScalingMultipliesByEffectiveOverBaseBatch() throws {
        let c = config { $0.lr = 0.1; $0.lrScaling = .linear; $0.baseBatchSize = 32; $0.globalBatchSize = 128 }
        let plan = try RunPlan.resolve(c, worldSize: 4, trainSamples: 1024)
        XCTAssertEqual(plan.effectiveBatch, 128)
        XCTAssertEqual(plan.learningRate, 0.4, accuracy: 1e-7)
        XCTAssertTrue(plan.learningRateRule.contains("linear"), plan.learningRateRule)
    }

    func testSquareRootScalingMultipliesByTheRootOfTheRatio() throws {
        let c = config { $0.lr = 0.1; $0.lrScaling = .sqrt; $0.baseBatchSize = 32; $0.globalBatchSize = 128 }
        let plan = try RunPlan.resolve(c, worldSize: 2, trainSamples: 1024)
        XCTAssertEqual(plan.learningRate, 0.2, accuracy: 1e-7)
    }

    func testScalingCountsAccumulationInTheEffectiveBatch() throws {
        let c = config {
            $0.lr = 0.01; $0.lrScaling = .linear; $0.baseBatchSize = 16; $0.batchSize = 16; $0.accumulateSteps = 2
        }
        let plan = try RunPlan.resolve(c, worldSize: 2, trainSamples: 256)
        XCTAssertEqual(plan.effectiveBatch, 64)
        XCTAssertEqual(plan.learningRate, 0.04, accuracy: 1e-8)
    }

    func testScalingDefaultsToThePresetsGlobalBatchAsBase() throws {
        // --batch-size 50 on 4 ranks: effective 200 against the preset's global batch of 100.
        let c = config { $0.lr = 0.01; $0.lrScaling = .linear; $0.batchSize = 50 }
        let plan = try RunPlan.resolve(c, worldSize: 4, trainSamples: 400)
        XCTAssertEqual(plan.learningRate, 0.02, accuracy: 1e-8)
    }

    func testWarmupEpochsBecomeStepsAndAddToWarmupSteps() throws {
        let c = config { $0.globalBatchSize = 25; $0.warmupEpochs = 2; $0.warmupSteps = 3 }
        let plan = try RunPlan.resolve(c, worldSize: 1, trainSamples: 100)
        XCTAssertEqual(plan.schedule.warmupSteps, 2 * 4 + 3)
    }

    func testCosineScheduleSpansTheStepsAfterWarmup() throws {
        let c = config { $0.globalBatchSize = 10; $0.epochs = 5; $0.schedule = .cosine; $0.warmupSteps = 10 }
        let plan = try RunPlan.resolve(c, worldSize: 1, trainSamples: 100)
        XCTAssertEqual(plan.optimizerSteps, 50)
        XCTAssertEqual(plan.schedule.kind, .cosine(totalSteps: 40, minimum: 0))
    }

    func testInitializerAndActivationAreResolvedFromNames() throws {
        let c = config { $0.initializer = .kaimingNormal; $0.initMode = .fanOut; $0.activation = .relu }
        let plan = try RunPlan.resolve(c, worldSize: 1, trainSamples: 100)
        XCTAssertEqual(plan.initializer, .kaimingNormal(mode: .fanOut, gain: Float(2).squareRoot()))
        XCTAssertEqual(plan.activation, .relu)
    }

    func testBatchNormWithOneSampleBatchesIsRefused() {
        let c = config { $0.batchNorm = true; $0.batchSize = 1 }
        XCTAssertThrowsError(try RunPlan.resolve(c, worldSize: 1, trainSamples: 100)) {
            XCTAssertTrue("\($0)".contains("--batch-norm needs at least 2 samples"), "\($0)")
        }
    }

    func testValidationFilesCountAsAValidationSetForTargets() throws {
        let c = config {
            $0.task = .classification; $0.outputs = 3; $0.model = .resnet1d
            $0.valInputsPath = "vx.npy"; $0.valTargetsPath = "vy.npy"
            $0.targets = [try! TrainingTarget(parsing: "val_accuracy>=0.9")]
        }
        XCTAssertNoThrow(try RunPlan.resolve(c, worldSize: 1, trainSamples: 100))
    }

    func testInvalidFieldsAreRefusedByName() {
        let cases: [(TrainingConfig, String)] = [
            (config { $0.lr = -1 }, "--lr"),
            (config { $0.epochs = 0 }, "--epochs must be at least 1, got 0"),
            (config { $0.valFraction = 1 }, "--val-fraction must be in [0, 1)"),
            (config { $0.nesterov = true }, "--nesterov needs --momentum > 0"),
            (config { $0.syncBatchNorm = true }, "--sync-batch-norm needs --batch-norm"),
            (config { $0.dataset = .npy; $0.inputsPath = "x.npy" }, "npy data needs both --inputs"),
            (config { $0.valInputsPath = "vx.npy" }, "validation files need both --val-inputs"),
            (config { $0.valInputsPath = "vx.npy"; $0.valTargetsPath = "vy.npy"; $0.valFraction = 0.2 },
             "--val-fraction and --val-inputs/--val-targets both give a validation set"),
            (config { $0.targets = [try! TrainingTarget(parsing: "val_loss<=0.5")] }, "needs a validation set"),
            (config { $0.task = .classification; $0.outputs = 3; $0.loss = .mse }, "--loss mse needs --task regression"),
            (config { $0.task = .classification; $0.outputs = 3; $0.loss = .bce }, "--loss bce needs --task regression"),
            (config { $0.loss = .crossEntropy }, "--loss cross-entropy needs --task classification"),
        ]
        for (c, expected) in cases {
            XCTAssertThrowsError(try RunPlan.resolve(c, worldSize: 1, trainSamples: 100), expected) {
                XCTAssertTrue("\($0)".contains(expected), "\($0) should contain \(expected)")
            }
        }
    }
}
