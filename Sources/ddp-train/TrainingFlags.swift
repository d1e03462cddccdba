import ArgumentParser
import ConfigFiles
import Training

/// Every flag that sets a `TrainingConfig` field. Unset flags leave the preset's (or the
/// config file's) value alone.
struct TrainingFlags: ParsableArguments {
    @Option(help: "The experiment to start from: \(Preset.catalog.map(\.name).joined(separator: ", ")).")
    var preset = "seed-sigmoid-mlp"

    @Option(help: "A YAML or JSON file of config fields, keys as in config.json or as the flags (docs/CONFIG.md); flags override it.")
    var config: String?

    @Flag(help: "Print the resolved configuration as YAML (a valid --config file) and exit without running.")
    var printConfig = false

    // Numeric options parse their value unconditionally, so that a negative number such as
    // `--bias-init -0.1` (or a mistaken `--lr -1`) is read as the value, not as an unknown flag.

    // Model
    @Option(help: "The architecture.") var model: ModelChoice?
    @Option(parsing: .unconditional, help: "Hidden layers (mlp; 10 gives 11 Linear layers) or residual blocks (resnet1d).") var depth: Int?
    @Option(parsing: .unconditional, help: "Hidden units (mlp) or channels (resnet1d).") var width: Int?
    @Option(help: "The hidden layers' nonlinearity (leaky-relu: slope 0.01; elu: α 1).") var activation: ActivationChoice?
    @Option(name: .customLong("init"), help: "Weight initialization (torch-default: PyTorch's U(±1/√fan_in)).") var initializer: InitializerChoice?
    @Option(help: "Kaiming fan mode.") var initMode: InitModeChoice?
    @Option(help: "Nonlinearity whose gain Kaiming/Xavier use (default: √2 for Kaiming, 1 for Xavier).") var initGain: InitGainChoice?
    @Option(parsing: .unconditional, help: "Set every bias to this constant.") var biasInit: Float?
    @Flag(inversion: .prefixedNo, help: "Identity skip connections (mlp: off by default; resnet1d: on).") var residual: Bool?
    @Flag(help: "BatchNorm1d after each hidden Linear / conv.") var batchNorm = false
    @Flag(help: "Compute BatchNorm statistics over the global batch across ranks.") var syncBatchNorm = false
    @Option(parsing: .unconditional, help: "Input features (mlp) or channels (resnet1d).") var inputFeatures: Int?
    @Option(parsing: .unconditional, help: "Sequence length of resnet1d inputs.") var sequenceLength: Int?
    @Option(parsing: .unconditional, help: "Output units (classes for classification).") var outputs: Int?

    // Data
    @Option(help: "The data (npy and csv are implied by --inputs or --csv).") var dataset: DatasetChoice?
    @Option(help: "What the model predicts.") var task: TaskChoice?
    @Option(parsing: .unconditional, help: "Samples to generate for seed-random and teacher data.") var samples: Int?
    @Option(parsing: .unconditional, help: "Noise standard deviation of teacher targets.") var noise: Float?
    @Option(help: "Inputs as .npy (float32, float64 or int64; C order; samples on the first axis).") var inputs: String?
    @Option(help: "Targets as .npy.") var targets: String?
    @Option(help: "Data as CSV with a header row.") var csv: String?
    @Option(help: "The CSV column holding the target.") var targetColumn: String?
    @Option(parsing: .unconditional, help: "Fraction of samples held out for validation (the last ones in file order).") var valFraction: Double?
    @Option(help: "Validation inputs as .npy, shaped as the training inputs (instead of --val-fraction).") var valInputs: String?
    @Option(help: "Validation targets as .npy, shaped as the training targets.") var valTargets: String?
    @Flag(inversion: .prefixedNo, help: "Shuffle every epoch (seed + epoch).") var shuffle: Bool?
    @Flag(help: "Drop the tail that does not fill a batch on every rank, rather than padding.") var dropLast = false

    // Optimization
    @Option(help: "The loss (default: mse for regression, cross-entropy for classification).") var loss: LossFunction?
    @Option(help: "The optimizer.") var optimizer: OptimizerChoice?
    @Option(parsing: .unconditional, help: "Learning rate (before --lr-scaling).") var lr: Float?
    @Option(parsing: .unconditional, help: "Momentum (SGD, RMSprop).") var momentum: Float?
    @Option(parsing: .unconditional, help: "SGD dampening.") var dampening: Float?
    @Flag(help: "Nesterov momentum (SGD).") var nesterov = false
    @Option(parsing: .unconditional, help: "Weight decay (L2 for SGD/Adam/RMSprop, decoupled for AdamW; AdamW defaults to 0.01).") var weightDecay: Float?
    @Option(parsing: .unconditional, help: "Adam β1.") var beta1: Float?
    @Option(parsing: .unconditional, help: "Adam β2.") var beta2: Float?
    @Option(parsing: .unconditional, help: "Adam/RMSprop eps.") var eps: Float?
    @Option(parsing: .unconditional, help: "RMSprop smoothing constant.") var alpha: Float?
    @Flag(help: "Centered RMSprop.") var centered = false
    @Option(parsing: .unconditional, help: "Per-rank batch size (as PyTorch's DataLoader).") var batchSize: Int?
    @Option(parsing: .unconditional, help: "Global batch size, split across ranks (must divide by the number of ranks).") var globalBatchSize: Int?
    @Option(parsing: .unconditional, help: "Epochs.") var epochs: Int?
    @Option(parsing: .unconditional, help: "Random seed (initialization, data, shuffling).") var seed: UInt64?
    @Option(help: "Learning-rate schedule after warmup.") var schedule: ScheduleChoice?
    @Option(parsing: .unconditional, help: "Step schedule: steps between decays.") var stepSize: Int?
    @Option(parsing: .unconditional, help: "Step schedule: decay factor.") var gamma: Float?
    @Option(parsing: .unconditional, help: "Cosine schedule: final learning rate.") var minLR: Float?
    @Option(parsing: .unconditional, help: "Linear warmup steps before the schedule.") var warmupSteps: Int?
    @Option(parsing: .unconditional, help: "Linear warmup epochs before the schedule.") var warmupEpochs: Int?
    @Option(parsing: .unconditional, help: "Clip gradients to this global L2 norm.") var clipGradNorm: Float?
    @Option(help: "Scale lr by effective batch / --base-batch-size, linearly or by its square root.") var lrScaling: LRScalingChoice?
    @Option(parsing: .unconditional, help: "The batch size --lr was tuned for (default: the preset's global batch).") var baseBatchSize: Int?

    // Data parallel
    @Option(parsing: .unconditional, help: "Gradient bucket size in MiB.") var bucketMB: Double?
    @Flag(help: "Allreduce after backward instead of overlapping it with backward.") var noOverlap = false
    @Option(parsing: .unconditional, help: "Micro-batches per optimizer step (gradient accumulation).") var accumulateSteps: Int?
    @Option(help: "The precision of the gradient allreduce.") var gradCompression: GradCompressionChoice?

    // Evaluation and stopping
    @Option(parsing: .unconditional, help: "Evaluate the validation split every K optimizer steps (besides each epoch's end).")
    var evalEvery: Int?
    @Option(help: "When to evaluate between epoch ends: every:K, or geometric:R for steps growing by a factor 1+R (e.g. geometric:0.05 places a crossing within 5 %).")
    var evalSchedule: String?
    @Option(help: ArgumentHelp("A goal such as 'val_accuracy>=0.9', 'val_loss<=0.3' or 'train_loss<=0.5'; repeatable. The run records the first step each holds (summary.json) and stops when all hold.", valueName: "metric>=value"))
    var target: [String] = []
    @Option(parsing: .unconditional, help: "Stop after N optimizer steps, if the epochs have not ended the run first.")
    var maxSteps: Int?

    // Output
    @Option(parsing: .unconditional, help: "Write a metrics record every N steps.") var logEvery: Int?
    @Option(help: "Run directory (default runs/<preset>-<timestamp>).") var runDir: String?

    /// The preset, overlaid with the config file, overlaid with the flags.
    func resolvedConfig() throws -> TrainingConfig {
        var c = try Preset.config(named: preset)
        if let config { c = try c.overlaying(configFile: config) }
        func set<T>(_ value: T?, _ path: WritableKeyPath<TrainingConfig, T>) { if let value { c[keyPath: path] = value } }
        func set<T>(_ value: T?, _ path: WritableKeyPath<TrainingConfig, T?>) { if let value { c[keyPath: path] = value } }
        set(model, \.model); set(depth, \.depth); set(width, \.width); set(activation, \.activation)
        set(initializer, \.initializer); set(initMode, \.initMode); set(initGain, \.initGainNonlinearity)
        set(biasInit, \.biasInit); set(residual, \.residual)
        if batchNorm { c.batchNorm = true }
        if syncBatchNorm { c.syncBatchNorm = true }
        set(inputFeatures, \.inputFeatures); set(sequenceLength, \.sequenceLength); set(outputs, \.outputs)
        set(dataset, \.dataset); set(task, \.task); set(samples, \.samples); set(noise, \.noise)
        if let inputs { c.inputsPath = inputs; if dataset == nil { c.dataset = .npy } }
        // Either file of a pair implies its dataset, so that half a pair is refused by validate()
        // rather than ignored in favour of generated data.
        if let targets { c.targetsPath = targets; if dataset == nil { c.dataset = .npy } }
        if let csv { c.csvPath = csv; if dataset == nil { c.dataset = .csv } }
        if let targetColumn { c.targetColumn = targetColumn; if dataset == nil { c.dataset = .csv } }
        set(valFraction, \.valFraction); set(shuffle, \.shuffle)
        set(valInputs, \.valInputsPath); set(valTargets, \.valTargetsPath)
        // A validation flag replaces the other kind of validation set a preset or config file
        // chose; given together on the command line, validate() refuses them.
        if valFraction != nil && valInputs == nil && valTargets == nil { c.valInputsPath = nil; c.valTargetsPath = nil }
        if valFraction == nil && (valInputs != nil || valTargets != nil) { c.valFraction = 0 }
        if dropLast { c.dropLast = true }
        set(loss, \.loss); set(optimizer, \.optimizer); set(lr, \.lr); set(momentum, \.momentum)
        set(dampening, \.dampening)
        if nesterov { c.nesterov = true }
        set(weightDecay, \.weightDecay); set(beta1, \.beta1); set(beta2, \.beta2); set(eps, \.eps); set(alpha, \.alpha)
        if centered { c.centered = true }
        if let batchSize { c.batchSize = batchSize }
        if let globalBatchSize { c.globalBatchSize = globalBatchSize; if batchSize == nil { c.batchSize = nil } }
        set(epochs, \.epochs); set(seed, \.seed); set(schedule, \.schedule); set(stepSize, \.stepSize)
        set(gamma, \.gamma); set(minLR, \.minLR); set(warmupSteps, \.warmupSteps); set(warmupEpochs, \.warmupEpochs)
        set(clipGradNorm, \.clipGradNorm); set(lrScaling, \.lrScaling); set(baseBatchSize, \.baseBatchSize)
        set(bucketMB, \.bucketMB)
        if noOverlap { c.overlap = false }
        set(accumulateSteps, \.accumulateSteps); set(gradCompression, \.gradCompression)
        set(logEvery, \.logEvery); set(runDir, \.runDir)
        if evalEvery != nil && evalSchedule != nil {
            throw ConfigError("--eval-every and --eval-schedule both set when to evaluate; give one (--eval-every K is every:K)")
        }
        if let evalEvery { c.evalSchedule = try EvaluationSchedule(parsing: "every:\(evalEvery)") }
        if let evalSchedule { c.evalSchedule = try EvaluationSchedule(parsing: evalSchedule) }
        if !target.isEmpty { c.targets = try target.map(TrainingTarget.init(parsing:)) }
        set(maxSteps, \.maxSteps)
        if c.comparison != nil && (lr != nil || batchSize != nil || globalBatchSize != nil) {
            c.comparison = nil  // an explicit lr or batch turns the built-in comparison into one run
        }
        try c.validate()
        return c
    }

    /// With `--print-config`, prints `config` as YAML and returns true: the caller then exits 0
    /// without running anything.
    func printConfigIfAsked(_ config: TrainingConfig) throws -> Bool {
        guard printConfig else { return false }
        print(try ConfigYAMLWriter.yaml(of: config), terminator: "")
        return true
    }
}
