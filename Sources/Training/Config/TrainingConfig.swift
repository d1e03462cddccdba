/// Every setting of a training run. Presets fill it, a JSON config file overrides the preset,
/// and command-line flags override both. `config.json` in the run directory is this struct,
/// fully resolved, so a run can be repeated from it.
///
/// JSON keys are the property names below (camelCase); see docs/CONFIG.md. Settings with a
/// fixed set of values are `ConfigChoice` enums whose raw values are the JSON spellings, so
/// decoding refuses an unknown value by name and the rest of the code never parses strings.
public struct TrainingConfig: Codable, Equatable, Sendable {
    // MARK: Experiment
    /// The preset this configuration started from.
    public var preset: String = "seed-sigmoid-mlp"
    /// The random seed for initialization, data and shuffling.
    public var seed: UInt64 = 0

    // MARK: Model
    /// mlp or resnet1d.
    public var model: ModelChoice = .mlp
    /// Input features (mlp) or input channels (resnet1d; with 1, `[N, L]` data is read as `[N, 1, L]`).
    public var inputFeatures: Int = 10
    /// Sequence length of resnet1d inputs.
    public var sequenceLength: Int = 10
    /// Output units (regression targets, or classes for classification; a resnet1d classifier
    /// pools over the length and ends in a Linear with this many outputs).
    public var outputs: Int = 1
    /// Hidden layers (mlp) or residual blocks (resnet1d).
    public var depth: Int = 10
    /// Hidden units (mlp) or channels (resnet1d).
    public var width: Int = 128
    /// sigmoid, tanh, relu, leaky-relu, elu or gelu.
    public var activation: ActivationChoice = .sigmoid
    /// torch-default, kaiming-normal, kaiming-uniform, xavier-normal or xavier-uniform.
    public var initializer: InitializerChoice = .torchDefault
    /// Kaiming fan mode: fan_in or fan_out.
    public var initMode: InitModeChoice = .fanIn
    /// The nonlinearity whose gain Kaiming/Xavier use (linear, relu, leaky_relu, tanh, sigmoid,
    /// selu); nil keeps PyTorch's defaults (√2 for Kaiming, 1 for Xavier).
    public var initGainNonlinearity: InitGainChoice?
    /// A constant bias init; nil: U(±1/√fan_in) under torch-default, zero otherwise.
    public var biasInit: Float?
    /// Identity skip connections (mlp: around hidden layers after the first; resnet1d: on).
    public var residual: Bool = false
    /// BatchNorm1d after each hidden Linear (mlp) or conv (resnet1d).
    public var batchNorm: Bool = false
    /// BatchNorm statistics over the global batch across ranks.
    public var syncBatchNorm: Bool = false

    // MARK: Data
    /// seed-random (the seed's torch.randn data), teacher (a learnable synthetic task), npy or csv.
    public var dataset: DatasetChoice = .seedRandom
    /// regression or classification.
    public var task: TaskChoice = .regression
    /// Samples generated for seed-random and teacher data.
    public var samples: Int = 100
    /// Standard deviation of the noise added to teacher targets.
    public var noise: Float = 0.1
    /// Paths for npy data.
    public var inputsPath: String?
    /// See `inputsPath`: the targets' .npy file.
    public var targetsPath: String?
    /// Path and target column for csv data.
    public var csvPath: String?
    /// See `csvPath`: the column holding the target (the others are inputs).
    public var targetColumn: String?
    /// Fraction of samples held out for validation (the last ones, in file order).
    public var valFraction: Double = 0
    /// Validation data from its own .npy files instead of a held-out fraction; both or neither.
    public var valInputsPath: String?
    /// See `valInputsPath`: the validation targets' .npy file.
    public var valTargetsPath: String?

    // MARK: Optimization
    /// mse, cross-entropy or bce; nil picks mse for regression and cross-entropy for classification.
    public var loss: LossFunction?
    /// sgd, adam, adamw or rmsprop.
    public var optimizer: OptimizerChoice = .sgd
    /// The base learning rate, before `lrScaling`.
    public var lr: Float = 0.01
    /// SGD and RMSprop momentum μ; 0 for none.
    public var momentum: Float = 0
    /// SGD momentum dampening τ.
    public var dampening: Float = 0
    /// Nesterov momentum for SGD (needs momentum > 0 and no dampening).
    public var nesterov: Bool = false
    /// Weight decay λ; nil uses the optimizer's default (0.01 for AdamW, else 0).
    public var weightDecay: Float?
    /// Adam's β₁.
    public var beta1: Float = 0.9
    /// Adam's β₂.
    public var beta2: Float = 0.999
    /// The ε of Adam and RMSprop.
    public var eps: Float = 1e-8
    /// RMSprop smoothing constant.
    public var alpha: Float = 0.99
    /// Centered RMSprop (normalizes by the gradient's estimated variance).
    public var centered: Bool = false
    /// Per-rank batch size, as PyTorch's DataLoader(batch_size). Overrides globalBatchSize.
    public var batchSize: Int?
    /// The global batch (per-rank batch × ranks), split across ranks. Presets set this.
    public var globalBatchSize: Int? = 100
    /// Passes over the training set.
    public var epochs: Int = 100
    /// Shuffle each epoch (seeded with seed + epoch, as DistributedSampler).
    public var shuffle: Bool = false
    /// Drop the tail that does not fill a whole batch on every rank, instead of padding.
    public var dropLast: Bool = false
    /// constant, step or cosine.
    public var schedule: ScheduleChoice = .constant
    /// Optimizer steps between decays of the `step` schedule.
    public var stepSize: Int = 30
    /// The factor the `step` schedule multiplies the rate by.
    public var gamma: Float = 0.1
    /// The rate the `cosine` schedule ends at.
    public var minLR: Float = 0
    /// Optimizer steps of linear warmup.
    public var warmupSteps: Int = 0
    /// Further warmup in epochs, converted to steps and added to `warmupSteps`.
    public var warmupEpochs: Int = 0
    /// Clip the global gradient norm to this before each step, as `clip_grad_norm_`; nil: no clipping.
    public var clipGradNorm: Float?
    /// none, linear or sqrt: scale lr by effective batch / baseBatchSize.
    public var lrScaling: LRScalingChoice = .none
    /// The batch size `lr` was tuned for; nil: `globalBatchSize` (or the effective batch).
    public var baseBatchSize: Int?

    // MARK: Evaluation and stopping
    /// Evaluate between epoch ends on this schedule (`--eval-every K`, `--eval-schedule
    /// geometric:R`); nil: at epoch ends only.
    public var evalSchedule: EvaluationSchedule?
    /// Goals like `val_accuracy>=0.9`: the run records the first step each holds at (in
    /// summary.json) and stops once all hold.
    public var targets: [TrainingTarget]?
    /// Stop after this many optimizer steps, if the epoch budget has not ended the run first.
    public var maxSteps: Int?

    // MARK: Data parallel
    /// Gradient bucket size in megabytes (PyTorch's `bucket_cap_mb`).
    public var bucketMB: Double = 25
    /// Start bucket allreduces during backward rather than after it.
    public var overlap: Bool = true
    /// Micro-steps whose gradients are accumulated per optimizer step.
    public var accumulateSteps: Int = 1
    /// none, fp16 or bf16.
    public var gradCompression: GradCompressionChoice = .none

    // MARK: Output
    /// Write a step record every this many steps.
    public var logEvery: Int = 1
    /// The run directory; nil: runs/<preset>-<timestamp>.
    public var runDir: String?
    /// Built-in comparison points run one after another, each in its own subdirectory.
    public var comparison: [ComparisonPoint]?

    /// A configuration with every default; presets, config files and flags then override fields.
    public init() {}
}

extension TrainingConfig {
    /// One point of a built-in comparison (seed-batch-lr): its own learning rate and global
    /// batch, trained from the same fresh initialization as the others.
    public struct ComparisonPoint: Codable, Equatable, Sendable {
        /// The point's label and subdirectory name.
        public var name: String
        /// The point's base learning rate.
        public var lr: Float
        /// The point's global batch size.
        public var globalBatchSize: Int
        /// A comparison point from its parts.
        public init(name: String, lr: Float, globalBatchSize: Int) {
            self.name = name
            self.lr = lr
            self.globalBatchSize = globalBatchSize
        }
    }
}
