import NN

/// A configuration checked and turned into the values the trainer uses, for a given world
/// size and training-set size. Every user mistake surfaces here, before any work starts.
public struct RunPlan: Sendable {
    /// The configuration as given.
    public let config: TrainingConfig
    /// The number of ranks the plan is for.
    public let worldSize: Int
    /// Samples per rank per micro-step.
    public let perRankBatch: Int
    /// per-rank batch × ranks × accumulation steps: the batch one optimizer step averages over.
    public let effectiveBatch: Int
    /// The learning rate after `lrScaling`.
    public let learningRate: Float
    /// How the learning rate was derived, for the start-up line and config.json.
    public let learningRateRule: String
    /// The model's nonlinearity, parsed from the config.
    public let activation: ActivationKind
    /// How the model's parameters are initialized.
    public let initializer: Initializer
    /// The learning-rate schedule, with warmup (epochs converted to steps) and cosine length resolved.
    public let schedule: LearningRateSchedule
    /// The optimizer steps the whole run takes, over all epochs (before `maxSteps` or targets stop it).
    public let optimizerSteps: Int
    /// Micro-steps (forward/backward passes) per epoch on each rank.
    public let microStepsPerEpoch: Int
    /// Micro-batches per epoch and rank that do not fill a whole accumulation group, and are
    /// left out (each epoch); the start-up lines warn about them.
    public let unusedMicroBatches: Int

    /// Checks `config` and resolves it for `worldSize` ranks and `trainSamples` training samples.
    public static func resolve(_ config: TrainingConfig, worldSize: Int, trainSamples: Int) throws -> RunPlan {
        try config.validate()
        let perRank: Int
        if let b = config.batchSize {
            perRank = b
        } else {
            let global = config.globalBatchSize ?? trainSamples
            guard global % worldSize == 0 else {
                throw ConfigError("global batch size \(global) does not divide across \(worldSize) ranks; "
                    + "choose a multiple of \(worldSize) (--global-batch-size) or set a per-rank --batch-size")
            }
            perRank = global / worldSize
        }
        guard perRank >= 1 else {
            throw ConfigError("the per-rank batch is 0: \(config.globalBatchSize ?? 0) samples over \(worldSize) ranks")
        }
        let effective = perRank * worldSize * config.accumulateSteps

        let sampler = DistributedSamplerShape(samples: trainSamples, worldSize: worldSize, dropLast: config.dropLast)
        guard sampler.perRank >= 1 else {
            throw ConfigError("the training set has \(trainSamples) samples, fewer than the \(worldSize) ranks with --drop-last")
        }
        let microSteps = config.dropLast ? sampler.perRank / perRank : (sampler.perRank + perRank - 1) / perRank
        guard microSteps >= 1 else {
            throw ConfigError("each rank has \(sampler.perRank) samples per epoch, fewer than one batch of \(perRank) with --drop-last")
        }
        guard microSteps >= config.accumulateSteps else {
            throw ConfigError("--accumulate-steps \(config.accumulateSteps) exceeds the \(microSteps) micro-batches per epoch")
        }
        if config.batchNorm && config.model == .mlp {
            // BatchNorm in training needs two values per channel; an MLP batch of 1 (or a last
            // partial batch of 1) has one.
            let statisticsBatch = perRank * (config.syncBatchNorm ? worldSize : 1)
            let tail = config.dropLast ? 0 : sampler.perRank % perRank
            if statisticsBatch < 2 || (tail == 1 && !config.syncBatchNorm) {
                throw ConfigError("--batch-norm needs at least 2 samples per batch on each rank, but a batch here can hold 1; "
                    + "use a larger batch or --drop-last")
            }
        }
        let stepsPerEpoch = microSteps / config.accumulateSteps
        let totalSteps = min(stepsPerEpoch * config.epochs, config.maxSteps ?? .max)

        var lr = config.lr
        var rule = "lr \(config.lr) as given"
        let base = config.baseBatchSize ?? (config.globalBatchSize ?? effective)
        let ratio = Float(effective) / Float(base)
        switch config.lrScaling {
        case .none:
            break
        case .linear:
            lr = config.lr * ratio
            rule = "linear scaling: \(config.lr) × (\(effective)/\(base)) = \(lr)"
        case .sqrt:
            lr = config.lr * ratio.squareRoot()
            rule = "sqrt scaling: \(config.lr) × √(\(effective)/\(base)) = \(lr)"
        }

        let kind: LearningRateSchedule.Kind
        switch config.schedule {
        case .constant: kind = .constant
        case .step: kind = .step(stepSize: config.stepSize, gamma: config.gamma)
        case .cosine: kind = .cosine(totalSteps: max(totalSteps - config.warmupSteps, 1), minimum: config.minLR)
        }
        let warmup = config.warmupSteps + config.warmupEpochs * stepsPerEpoch

        let initializer = config.initializer.initializer(mode: config.initMode.fanMode,
                                                         gain: config.initGainNonlinearity?.gain)
        return RunPlan(config: config, worldSize: worldSize, perRankBatch: perRank, effectiveBatch: effective,
                       learningRate: lr, learningRateRule: rule, activation: config.activation.kind,
                       initializer: initializer, schedule: LearningRateSchedule(kind, warmupSteps: warmup),
                       optimizerSteps: totalSteps, microStepsPerEpoch: stepsPerEpoch * config.accumulateSteps,
                       unusedMicroBatches: microSteps - stepsPerEpoch * config.accumulateSteps)
    }
}

/// The per-rank sample count DistributedSampler gives, without building one.
struct DistributedSamplerShape {
    let perRank: Int
    init(samples: Int, worldSize: Int, dropLast: Bool) {
        perRank = dropLast ? samples / worldSize : (samples + worldSize - 1) / worldSize
    }
}

extension TrainingConfig {
    /// Checks numeric ranges and how fields combine, without the data; `RunPlan.resolve` checks
    /// what depends on the data and the rank count. Which values a choice field may take is
    /// not checked here: its type (`ConfigChoice`) guarantees it, and decoding refuses the rest.
    /// Every entry point calls this before reading any data.
    public func validate() throws {
        func positive(_ value: Int, _ flag: String) throws {
            guard value >= 1 else { throw ConfigError("--\(flag) must be at least 1, got \(value)") }
        }
        func finite(_ value: Float, _ flag: String, min: Float = 0) throws {
            guard value.isFinite, value >= min else { throw ConfigError("--\(flag) must be a finite number ≥ \(min), got \(value)") }
        }
        for (v, f) in [(inputFeatures, "input-features"), (outputs, "outputs"), (depth, "depth"), (width, "width"),
                       (samples, "samples"), (epochs, "epochs"), (accumulateSteps, "accumulate-steps"),
                       (logEvery, "log-every"), (stepSize, "step-size"), (sequenceLength, "sequence-length")] {
            try positive(v, f)
        }
        if let b = batchSize { try positive(b, "batch-size") }
        if let b = globalBatchSize { try positive(b, "global-batch-size") }
        if let b = baseBatchSize { try positive(b, "base-batch-size") }
        guard warmupSteps >= 0, warmupEpochs >= 0 else { throw ConfigError("--warmup-steps and --warmup-epochs must be ≥ 0") }
        try finite(lr, "lr")
        guard lr > 0 else { throw ConfigError("--lr must be positive, got \(lr)") }
        try finite(momentum, "momentum"); try finite(dampening, "dampening")
        if let wd = weightDecay { try finite(wd, "weight-decay") }
        try finite(noise, "noise")
        try finite(eps, "eps"); try finite(minLR, "min-lr")
        try finite(gamma, "gamma")
        guard beta1 >= 0 && beta1 < 1, beta2 >= 0 && beta2 < 1 else { throw ConfigError("--beta1 and --beta2 must be in [0, 1)") }
        guard alpha >= 0 && alpha < 1 else { throw ConfigError("--alpha must be in [0, 1), got \(alpha)") }
        if let c = clipGradNorm { guard c.isFinite && c > 0 else { throw ConfigError("--clip-grad-norm must be positive, got \(c)") } }
        guard valFraction >= 0 && valFraction < 1 else {
            throw ConfigError("--val-fraction must be in [0, 1), got \(valFraction)")
        }
        guard bucketMB > 0 && bucketMB.isFinite else { throw ConfigError("--bucket-mb must be positive, got \(bucketMB)") }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw ConfigError("--nesterov needs --momentum > 0 and --dampening 0")
        }
        if let m = maxSteps { try positive(m, "max-steps") }
        if (valInputsPath == nil) != (valTargetsPath == nil) {
            throw ConfigError("validation files need both --val-inputs X.npy and --val-targets Y.npy")
        }
        if valInputsPath != nil && valFraction > 0 {
            throw ConfigError("--val-fraction and --val-inputs/--val-targets both give a validation set; use one")
        }
        for target in targets ?? [] where target.metric != .trainLoss {
            guard valFraction > 0 || valInputsPath != nil else {
                throw ConfigError("--target \(target) needs a validation set; add --val-fraction (e.g. 0.2) "
                    + "or --val-inputs X.npy --val-targets Y.npy")
            }
            if target.metric == .validationAccuracy && task != .classification {
                throw ConfigError("--target \(target) needs --task classification; regression has no accuracy (use val_loss)")
            }
        }
        if syncBatchNorm && !batchNorm {
            throw ConfigError("--sync-batch-norm needs --batch-norm (the model has no BatchNorm layers to synchronize)")
        }
        if dataset == .npy && (inputsPath == nil || targetsPath == nil) {
            throw ConfigError("npy data needs both --inputs X.npy and --targets Y.npy")
        }
        if dataset == .csv && (csvPath == nil || targetColumn == nil) {
            throw ConfigError("csv data needs both --csv FILE and --target-column NAME")
        }
        if task == .classification && outputs < 2 && (loss ?? .crossEntropy) == .crossEntropy {
            throw ConfigError("classification with cross-entropy needs --outputs ≥ 2 (one logit per class)")
        }
        if task == .classification, let loss, loss != .crossEntropy {
            throw ConfigError("--loss \(loss) needs --task regression; classification uses cross-entropy "
                + "(for 0/1 targets with bce, use --task regression --loss bce)")
        }
        if task == .regression && loss == .crossEntropy {
            throw ConfigError("--loss cross-entropy needs --task classification (class-index targets); regression uses mse")
        }
    }
}
