import Collectives
import Foundation
import NN
import Reporting

/// One training run from a configuration to a summary: load the data, resolve the plan, set up
/// the run directory, train, report. The executable calls this; tests call it too.
public enum TrainingRun {
    /// Runs `config` (or, for presets with comparison points, each point in turn).
    @discardableResult
    public static func execute(_ config: TrainingConfig, options: RunOptions,
                               communicator: any Communicator) throws -> [TrainingSummary] {
        let console = Console(rank: communicator.rank, quiet: options.quiet, worldSize: communicator.worldSize,
                              logLevel: options.logLevel)
        let base = try agreedRunDirectory(config, communicator: communicator)
        guard let points = config.comparison, !points.isEmpty else {
            var c = config
            c.runDir = base
            return [try single(c, options: options, communicator: communicator, console: console)]
        }
        var summaries: [TrainingSummary] = []
        for point in points {
            var c = config
            c.comparison = nil
            c.lr = point.lr
            c.globalBatchSize = point.globalBatchSize
            c.batchSize = nil
            c.runDir = base + "/" + point.name
            console.info("== \(point.name): lr \(point.lr), global batch \(point.globalBatchSize), from the same fresh initialization ==")
            var pointOptions = options
            pointOptions.tensorboard = options.tensorboard.map { $0 + "/" + point.name }  // one TensorBoard run per point
            pointOptions.trace = options.trace.map { CommunicationMonitoring.tracePath($0, point: point.name) }
            summaries.append(try single(c, options: pointOptions, communicator: communicator, console: console))
        }
        console.result(ComparisonTable.render(points: points, summaries: summaries))
        return summaries
    }

    /// Rank 0 picks the run directory (the default has a timestamp, which could differ between
    /// ranks by a second) and every rank adopts it.
    static func agreedRunDirectory(_ config: TrainingConfig, communicator: any Communicator) throws -> String {
        let chosen = config.runDir ?? RunDirectory.defaultPath(preset: config.preset)
        guard communicator.worldSize > 1 else { return chosen }
        let all = communicator.allGatherBytes(Array(chosen.utf8))
        return String(decoding: all[0], as: UTF8.self)
    }

    static func single(_ config: TrainingConfig, options: RunOptions, communicator: any Communicator,
                       console: Console) throws -> TrainingSummary {
        let started = Date()
        try config.validate()  // every mistake that needs no data is reported before any is read
        console.debug("communicator: rank \(communicator.rank) of \(communicator.worldSize), "
                      + (communicator.isSingleNode ? "all ranks on a single node" : "ranks on several nodes"))
        let loadStart = Date()
        let data = try DatasetLoader.load(config)
        let (train, heldOut) = data.split(validationFraction: config.valFraction)
        let validation = try DatasetLoader.loadValidation(config, matching: train) ?? heldOut
        console.debug("data loaded: \(train.count) training samples, \(validation?.count ?? 0) validation samples, "
                      + String(format: "in %.3f s", Date().timeIntervalSince(loadStart)))
        let plan = try RunPlan.resolve(config, worldSize: communicator.worldSize, trainSamples: train.count)
        var runDir = config.runDir!
        let checkpoint = try options.resume.map { try CheckpointStore.load(CheckpointStore.locate($0, checkpointDir: options.checkpointDir)) }
        if let checkpoint, !options.runDirectoryGiven, let previous = checkpoint.state.runDirectory {
            runDir = previous  // continue the interrupted run's metrics
        }
        let directory = communicator.rank == 0 ? try RunDirectory(path: runDir) : nil
        directory?.logger = console.logger
        if let checkpoint {
            try directory?.truncateMetrics(afterStep: checkpoint.state.step)
        } else {
            directory?.resetMetrics()
        }
        let trainer = try Trainer(plan: plan, train: train, validation: validation, communicator: communicator,
                                  runDirectory: directory, console: console, initFrom: options.initFrom,
                                  options: TrainerOptions(nonFinitePolicy: options.onNonFinite, preemption: PreemptionSignal(),
                                                          faults: options.faults))
        let metrics = MetricsRecording(sinks: directory.map { [MetricsLog(directory: $0)] } ?? [])
        let timeline = try CommunicationMonitoring.attach(to: trainer, options: options)
        let policy = try options.checkpointDir.map { dir in
            let interval = try options.checkpointEvery.map(CheckpointPolicy.parseInterval) ?? (steps: nil, epochs: 1)
            var policy = CheckpointPolicy(directory: dir, everySteps: interval.steps, everyEpochs: interval.epochs,
                                          keep: options.keepCheckpoints)
            policy.onError = options.onCheckpointError
            return policy
        }
        if let checkpoint {
            try trainer.restore(from: checkpoint)
            describeResume(checkpoint, plan: plan, console: console)
        }
        // After a restore: diagnostics and TensorBoard need the step.
        let tensorBoard = try attachDiagnostics(to: trainer, metrics: metrics, options: options, console: console)
        // A resumed run kept its session start (a step-0 record) in the event files.
        if trainer.step == 0 { tensorBoard?.startSession(config: plan.config, ranks: communicator.worldSize) }
        try directory?.writeConfig(resolvedConfigJSON(plan, trainer: trainer, validationSamples: validation?.count ?? 0))
        printStart(plan, trainer: trainer, console: console, trainSamples: train.count)
        if let blas = options.blasThreads { console.info(blas.description) }
        if let kernels = options.blasKernels { console.info(kernels.description) }
        if options.flushDenormals { console.info("subnormal floats flush to zero (--flush-denormals): results may differ from IEEE's") }

        // The pieces around the step, in the order they see each step: checks first, then the
        // evaluation that may stop the run, the records of it, progress, and checkpoints last
        // (they flush everything before them).
        if options.checkReplicasEvery > 0 { trainer.add(ReplicaChecking(interval: options.checkReplicasEvery)) }
        let tracker = TargetTracker(targets: config.targets ?? [], schedule: config.evalSchedule, startStep: trainer.step,
                                    metrics: metrics)
        trainer.add(tracker)
        trainer.add(metrics)
        if communicator.rank == 0 {
            trainer.add(ProgressReporter(mode: ProgressReporter.automaticMode(quiet: options.quiet), totalSteps: plan.optimizerSteps))
        }
        trainer.add(Checkpointing(policy: policy))
        if let watch = options.collectiveWatch { trainer.add(CollectiveWatchFeed(watch: watch, trainer: trainer)) }

        let summary: TrainingSummary
        do {
            summary = try trainer.run()
        } catch {
            // A run stopped by divergence or pre-emption still says how it ended.
            if trainer.end != nil, let directory {
                let runSummary = RunSummary(trainer: trainer, tracker: tracker, wallSeconds: Date().timeIntervalSince(started))
                try? runSummary.write(to: directory.url)
                tensorBoard?.endSession(runSummary)
            }
            throw error
        }
        try CommunicationMonitoring.finish(timeline, options: options, trainer: trainer, console: console)
        if let save = options.save, communicator.rank == 0 {
            try WeightsFile.save(trainer.model, to: save, metadata: ["preset": config.preset, "steps": "\(trainer.step)"])
        }
        if let directory {
            let runSummary = RunSummary(trainer: trainer, tracker: tracker, wallSeconds: Date().timeIntervalSince(started))
            try runSummary.write(to: directory.url)
            tensorBoard?.endSession(runSummary)
        }
        reportTargets(tracker, trainer: trainer, console: console)
        if options.printSummary { console.result(summary.render()) }
        if let directory { console.info("Run directory: \(directory.path)") }
        return summary
    }

    /// Says where a resumed run continues, and what differs from the run that wrote the checkpoint.
    static func describeResume(_ checkpoint: Checkpoint, plan: RunPlan, console: Console) {
        let s = checkpoint.state
        console.info("resuming from \(checkpoint.directory.path): step \(s.step), epoch \(s.epoch + 1)")
        if s.worldSize != plan.worldSize {
            console.warning("the checkpoint was written at \(s.worldSize) rank(s), this run has \(plan.worldSize): the sampler re-shards "
                + "the data, the effective batch is \(plan.effectiveBatch) (was \(s.effectiveBatch)), and the run will not be "
                + "bitwise identical to an uninterrupted one")
        }
        var old = s.config, new = plan.config
        old.runDir = nil; new.runDir = nil; old.epochs = new.epochs
        if old != new {
            let a = Mirror(reflecting: old).children, b = Mirror(reflecting: new).children
            let differing = zip(a, b).filter { "\($0.value)" != "\($1.value)" }.compactMap(\.0.label)
            console.warning("resuming with settings that differ from the checkpoint's: \(differing.joined(separator: ", "))")
        }
    }

    /// `--diagnostics-every` and `--tensorboard`: per-layer diagnostics on every rank, a
    /// TensorBoard sink on rank 0, which is returned for the HParams records.
    @discardableResult
    static func attachDiagnostics(to trainer: Trainer, metrics: MetricsRecording, options: RunOptions,
                                  console: Console) throws -> TensorBoardSink? {
        let diagnostics = DiagnosticsOptions(every: options.diagnosticsEvery, vanishingThreshold: options.vanishingThreshold)
        try diagnostics.validate()
        if diagnostics.every > 0 { trainer.diagnostics = GradientDiagnostics(trainer: trainer, options: diagnostics) }
        if let dir = options.tensorboard, trainer.communicator.rank == 0 {
            let url = URL(fileURLWithPath: dir)
            // A resumed run repeats no step: drop events logged after the checkpoint.
            if trainer.step > 0 { try TensorBoardWriter.discardRecords(after: trainer.step, in: url) }
            let sink = try TensorBoardSink(directory: url, console: console)
            metrics.add(sink)
            return sink
        }
        return nil
    }

    /// One line per target: the step it was first reached at, or that it never was.
    static func reportTargets(_ tracker: TargetTracker, trainer: Trainer, console: Console) {
        for (target, crossing) in zip(tracker.targets, tracker.crossings) {
            if let step = crossing.step {
                console.result("Target \(target): reached at step \(step) (\(crossing.samples ?? 0) samples)")
            } else {
                console.result("Target \(target): not reached in \(trainer.step) steps (censored)")
            }
        }
    }

    static func printStart(_ plan: RunPlan, trainer: Trainer, console: Console, trainSamples: Int) {
        let c = plan.config
        console.info("ddp-train: preset \(c.preset), model \(c.model) (depth \(c.depth), width \(c.width), \(c.activation), "
                     + "init \(c.initializer)\(c.residual ? ", residual" : "")\(c.batchNorm ? ", batch-norm" : "")), "
                     + "\(trainer.model.parameterCount) parameters")
        console.info("ranks \(plan.worldSize) × per-rank batch \(plan.perRankBatch) × accumulation \(c.accumulateSteps) "
                     + "= effective batch \(plan.effectiveBatch); \(trainSamples) training samples, "
                     + "\(plan.optimizerSteps) optimizer steps over \(c.epochs) epochs")
        console.info("optimizer \(c.optimizer), \(plan.learningRateRule), schedule \(c.schedule)"
                     + (plan.schedule.warmupSteps > 0 ? " after \(plan.schedule.warmupSteps) warmup steps" : ""))
        if plan.unusedMicroBatches > 0 {
            console.warning("\(plan.unusedMicroBatches) micro-batch(es) per epoch on each rank do not fill an accumulation group "
                            + "of \(c.accumulateSteps) and are skipped; choose --accumulate-steps dividing \(plan.microStepsPerEpoch + plan.unusedMicroBatches)")
        }
        if plan.worldSize > 1 {
            let dp = trainer.dataParallel
            console.info("gradient sync: \(dp.bucketCount) bucket(s), \(dp.gradientBytes) bytes per step, "
                         + "overlap \(dp.overlap && dp.queue.isAsynchronous ? "on" : "off"), compression \(c.gradCompression)")
        }
    }

    /// config.json: the configuration as given plus everything derived from it.
    static func resolvedConfigJSON(_ plan: RunPlan, trainer: Trainer, validationSamples: Int) throws -> [String: Any] {
        let data = try JSONEncoder().encode(plan.config)
        var object = (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        object["resolved"] = [
            "worldSize": plan.worldSize,
            "perRankBatchSize": plan.perRankBatch,
            "effectiveBatchSize": plan.effectiveBatch,
            "learningRate": Double(plan.learningRate),
            "learningRateRule": plan.learningRateRule,
            "warmupSteps": plan.schedule.warmupSteps,
            "optimizerSteps": plan.optimizerSteps,
            "trainSamples": trainer.train.count,
            "validationSamples": validationSamples,
            "parameterCount": trainer.model.parameterCount,
            "loss": trainer.loss.rawValue,
            "gradientBytes": trainer.dataParallel.gradientBytes,
            "bucketCount": trainer.dataParallel.bucketCount,
            "parameters": trainer.model.namedParameters().map { ["name": $0.name, "shape": $0.tensor.shape] },
        ] as [String: Any]
        return object
    }
}
