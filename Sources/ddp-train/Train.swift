import ArgumentParser
import Autograd
import Collectives
import Experiments
import Foundation
import Reporting
import Training

/// `ddp-train train`: the default subcommand.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model (the default subcommand).",
        discussion: "Presets: " + Preset.catalog.map { "\n  \($0.name): \($0.summary)" }.joined()
            + "\n\nFlags override the preset and the --config file. --batch-size is per rank; a preset's batch is global."
    )

    @OptionGroup var flags: TrainingFlags

    @Option(help: "Start from these weights (safetensors with PyTorch names, e.g. from safetensors.torch.save_file(model.state_dict())).")
    var initFrom: String?

    @Option(help: "Write the final weights to this safetensors file.")
    var save: String?

    @Option(help: "Compare parameter checksums across ranks every N steps; a mismatch ends the job naming the ranks and tensors.")
    var checkReplicasEvery = 0

    @Option(help: "Write checkpoints (model, optimizer, data position) into this directory.")
    var checkpointDir: String?

    @Option(help: "Checkpoint every N steps, or every N epochs as 'Nepochs' (default: every epoch).")
    var checkpointEvery: String?

    @Option(help: "Keep the newest K checkpoints.")
    var keepCheckpoints = 3

    @Option(help: "When a checkpoint cannot be written (e.g. the disk is full): stop (exit 1) or warn, train on and retry at the next checkpoint.")
    var onCheckpointError = "stop"

    @Option(help: "Resume from a checkpoint directory, a directory of checkpoints, or 'latest' (in --checkpoint-dir).")
    var resume: String?

    @Option(help: "On a NaN or infinite loss or gradient: stop (name the step and layers) or skip the step on every rank.")
    var onNonfinite = "stop"

    @Option(help: .hidden) var debugFault: String?

    @Flag(help: "No progress line and no start-up lines; results and warnings still print.")
    var quiet = false

    @Option(help: ArgumentHelp("The least severe log line written to standard error: trace, debug, info, notice, warning, error or critical. debug adds what every rank does (data, buckets, checkpoints, evaluations), trace a line per step; error silences warnings. Standard output is the same at every level.", valueName: "level"))
    var logLevel = "info"

    @Option(help: "Per-layer diagnostics (local gradient norms across ranks, update ratios, saturation, dead units, gradient noise scale) at step 1 and every K steps; 0 turns them off.")
    var diagnosticsEvery = 0

    @Option(help: "With --diagnostics-every: warn when the first layer's gradient norm over the last hidden layer's stays below this.")
    var vanishingThreshold = 1e-4

    @Option(help: "Also write TensorBoard event files (scalars and histograms) to this directory.")
    var tensorboard: String?

    @Option(help: "Write a Chrome trace (Perfetto, chrome://tracing) of every rank's forward, backward, bucket allreduces, allreduce wait and optimizer step to this JSON file; rank 0 gathers it.")
    var trace: String?

    @Option(help: "With --trace: keep the first N optimizer steps (bounds the file's size).")
    var traceSteps = 20

    @Option(help: "Warn (on each waiting rank) when a gradient allreduce has waited this many seconds for the other ranks.")
    var stallWarningSeconds = 60.0

    @Option(help: "End the job (exit 4) when any collective has waited this many seconds, naming the ranks that did not arrive and the checkpoint to resume from.")
    var collectiveTimeout = 600.0

    @Flag(help: "Flush subnormal floats to zero on every thread (FTZ/DAZ, as torch.set_flush_denormal(True)): faster where values decay toward zero, such as Adam's moments of dead units, but no longer bit for bit IEEE (or PyTorch's default).")
    var flushDenormals = false

    func run() throws {
        let config: TrainingConfig
        do {
            config = try flags.resolvedConfig()
            _ = try RankLogHandler.level(named: logLevel)
            try DiagnosticsOptions(every: diagnosticsEvery, vanishingThreshold: vanishingThreshold).validate()
            guard collectiveTimeout > 0 && collectiveTimeout.isFinite else {
                throw ConfigError("--collective-timeout must be a positive number of seconds (got \(collectiveTimeout))")
            }
        } catch {
            failBeforeLaunch("\(error)")
        }
        if try flags.printConfigIfAsked(config) { return }
        // Before any thread starts (OpenBLAS's, the communication thread): they inherit it.
        if flushDenormals { SubnormalFloats.flushToZero(true) }
        // Before any product runs: OpenBLAS starts its threads on the first call.
        let blasThreads = BLASThreadChoice.forThisProcess(environment: ProcessInfo.processInfo.environment)
        blasThreads.apply()
        let blasKernels = BLASKernelChoice.applyForThisProcess(environment: ProcessInfo.processInfo.environment)
        // A point of a sweep or study stops when the sweep is gone (killed with SIGKILL, say).
        let supervisorWatch = SupervisorWatch.start()
        defer { supervisorWatch?.cancel() }
        try runDistributed { unwatched in
            // Every collective from here on is watched; the watchdog stops before MPI finalizes.
            let (communicator, watchdog) = CollectiveWatchdog.start(unwatched, timeout: collectiveTimeout,
                                                                    exitCode: collectiveTimeoutExitCode)
            defer { watchdog?.stop() }
            var options = RunOptions(initFrom: initFrom, save: save, quiet: quiet)
            options.logLevel = try RankLogHandler.level(named: logLevel)  // checked before launch
            options.blasThreads = blasThreads
            options.blasKernels = blasKernels
            options.flushDenormals = flushDenormals
            options.checkReplicasEvery = checkReplicasEvery
            options.checkpointDir = checkpointDir
            options.checkpointEvery = checkpointEvery
            options.keepCheckpoints = keepCheckpoints
            options.resume = resume
            options.runDirectoryGiven = config.runDir != nil
            guard let policy = NonFinitePolicy(rawValue: onNonfinite) else {
                throw ConfigError("--on-nonfinite '\(onNonfinite)' is not one of: stop, skip")
            }
            options.onNonFinite = policy
            guard let checkpointErrors = CheckpointErrorPolicy(rawValue: onCheckpointError) else {
                throw ConfigError("--on-checkpoint-error '\(onCheckpointError)' is not one of: stop, warn")
            }
            options.onCheckpointError = checkpointErrors
            if let debugFault { options.faults = try FaultInjection(spec: debugFault) }
            guard keepCheckpoints >= 1 else { throw ConfigError("--keep-checkpoints must be at least 1") }
            options.diagnosticsEvery = diagnosticsEvery
            options.vanishingThreshold = vanishingThreshold
            options.tensorboard = tensorboard
            options.trace = trace
            options.traceSteps = traceSteps
            options.stallWarningSeconds = stallWarningSeconds
            options.collectiveWatch = watchdog?.watch
            try TrainingRun.execute(config, options: options, communicator: communicator)
        }
    }
}
