import Autograd
import Collectives
import Logging

/// What a single invocation asks for beyond the training configuration itself.
public struct RunOptions: Sendable {
    /// The OpenBLAS thread count the executable applied at start-up, for the start-up line (nil:
    /// left as it was, as in tests).
    public var blasThreads: BLASThreadChoice?
    /// The OpenBLAS kernels the executable chose at start-up, for the start-up line (nil: left
    /// as OpenBLAS picked them, as in tests).
    public var blasKernels: BLASKernelChoice?
    /// Whether the executable set subnormal floats to flush to zero (`--flush-denormals`), for
    /// the start-up line.
    public var flushDenormals = false
    /// Start from these weights (safetensors) instead of a fresh initialization.
    public var initFrom: String?
    /// Write the final weights here (safetensors).
    public var save: String?
    /// No progress and no start-up lines; results and warnings still print.
    public var quiet = false
    /// `--log-level`: the least severe log line printed to standard error (`info`: warnings only,
    /// as no run logs at `info` or `notice`; `debug` and `trace` add lines from every rank;
    /// `error` and above silence warnings). Standard output does not depend on it.
    public var logLevel = Logger.Level.info
    /// Print the summary table at the end.
    public var printSummary = true
    /// Compare parameter checksums across ranks every this many steps (0: never).
    public var checkReplicasEvery = 0
    /// Where to write checkpoints (nil: none).
    public var checkpointDir: String?
    /// `--checkpoint-every`: "N" steps or "Nepochs"; nil with a directory: every epoch.
    public var checkpointEvery: String?
    /// How many checkpoints to keep.
    public var keepCheckpoints = 3
    /// `--on-checkpoint-error`: what a checkpoint that cannot be written does.
    public var onCheckpointError = CheckpointErrorPolicy.stop
    /// `--resume`: a checkpoint directory, a directory of checkpoints, or "latest".
    public var resume: String?
    /// What a NaN or infinite loss or gradient does.
    public var onNonFinite = NonFinitePolicy.stop
    /// Whether the user named the run directory; if not, a resume continues the checkpoint's.
    public var runDirectoryGiven = true
    /// Test-only faults.
    public var faults = FaultInjection()

    /// `--diagnostics-every K`: per-layer diagnostics at step 1 and every K steps (0: off).
    public var diagnosticsEvery = 0
    /// `--vanishing-threshold`: warn when the vanishing factor stays below this.
    public var vanishingThreshold = 1e-4
    /// `--tensorboard DIR`: also write TensorBoard event files there (rank 0).
    public var tensorboard: String?

    /// `--trace FILE`: write a Chrome trace of every rank's timeline there (rank 0 gathers it).
    public var trace: String?
    /// `--trace-steps N`: how many optimizer steps, from the first, the trace keeps.
    public var traceSteps = 20
    /// `--stall-warning-seconds S`: warn when a gradient allreduce keeps a rank waiting this long.
    public var stallWarningSeconds = 60.0
    /// The collective watchdog's record (`--collective-timeout`), fed with the step and the
    /// newest checkpoint; nil when no watchdog runs (one rank, or not under MPI).
    public var collectiveWatch: CollectiveWatch?

    /// Options with the given `--init-from`, `--save` and `--quiet`, everything else at its default.
    public init(initFrom: String? = nil, save: String? = nil, quiet: Bool = false) {
        self.initFrom = initFrom
        self.save = save
        self.quiet = quiet
    }
}
