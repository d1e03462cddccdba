import Autograd
import Collectives
import DataParallelism
import Foundation
import Logging
import NN

/// Trains one model replica per rank on its shard of each global batch, with gradients
/// averaged across ranks after every optimizer step. With one rank it is plain training.
///
/// `run()` loops over epochs and calls `trainStep` — the step itself: forward, backward,
/// gradient averaging, the non-finite check and the optimizer — then hands each step's and
/// each epoch's outcome to the `TrainingCallback`s (metrics, progress, checkpoints, replica
/// checks, evaluation and targets). What happens around a step lives in those callbacks.
public final class Trainer {
    /// The resolved configuration for this world size and data.
    public let plan: RunPlan
    /// The ranks this trainer averages gradients across.
    public let communicator: any Communicator
    /// This rank's replica of the model.
    public let model: Module
    /// Buckets and the overlapped gradient allreduce around `model`.
    public let dataParallel: DataParallel
    /// The optimizer over `model`'s parameters (its state is per rank, identical on all).
    public let optimizer: Optimizer
    /// `model.parameters` as the optimizer holds them, listed once: walking the module tree
    /// builds every parameter's name, which at small batches cost several percent of each step.
    private var parameters: [Tensor] { optimizer.parameters }
    /// The training split (every rank holds all of it; the sampler picks its shard).
    public let train: Dataset
    /// The validation split, evaluated rank-strided and reduced; nil without one.
    public let validation: Dataset?
    /// Which samples this rank takes each epoch (PyTorch's DistributedSampler semantics).
    public let sampler: DistributedSampler
    /// The loss between the model's output and the targets.
    public let loss: LossFunction
    /// How steps treat non-finite values, signals and injected faults.
    public let options: TrainerOptions
    /// Rank 0's run directory; nil on other ranks and when no directory is wanted.
    public let runDirectory: RunDirectory?
    /// Where start-up lines and warnings go (rank 0 only).
    public let console: Console
    /// The observers and deciders called after every step and epoch, in order.
    public private(set) var callbacks: [TrainingCallback] = []
    /// Heavier per-layer diagnostics, when enabled. They hook into the step itself (between
    /// micro-steps and around the gradient sync), so they are not a callback.
    public var diagnostics: StepDiagnostics? {
        // Diagnostics attached after a restore continue the checkpoint's averages.
        didSet { if let restoredNoiseScale { diagnostics?.noiseScaleState = restoredNoiseScale } }
    }
    /// The noise-scale averages of the checkpoint this trainer resumed from, if it had any.
    public private(set) var restoredNoiseScale: NoiseScaleState?
    /// Receives forward/backward/optimizer spans for the Chrome-trace timeline (and, through
    /// `dataParallel.timeline`, each bucket's allreduce and the wait at the end of backward).
    public var timeline: TimelineRecorder? {
        didSet { dataParallel.timeline = timeline }
    }
    /// Steps dropped under `--on-nonfinite skip`.
    public private(set) var skippedSteps = 0

    /// Optimizer steps taken.
    public private(set) var step = 0
    /// How the last `run()` ended.
    public private(set) var end: RunEnd?
    /// The newest complete checkpoint: the last one written, or the one this run resumed from.
    public private(set) var lastCheckpoint: String?
    /// Samples every rank together has trained on in this process.
    public private(set) var samplesSeen = 0
    /// Seconds of training (the slowest rank's step times) in this process, without evaluation.
    public private(set) var trainingSeconds = 0.0
    /// The weight layers, in forward order, whose gradient norms the run reports.
    public let weightLayers: [(name: String, tensor: Tensor)]
    /// Each weight layer's index in `model.parameters`.
    private let weightLayerSlots: [Int]
    /// Whether rank 0's buffers (BatchNorm running statistics) go to every rank after each step.
    private let broadcastsBuffers: Bool
    /// The weight layers' gradient norms at the first step (at initialization) and the last logged one.
    public private(set) var firstNorms: [Double]?
    /// The weight layers' gradient norms at the newest logged step.
    public private(set) var lastNorms: [Double] = []
    private var firstLoss: Double?
    /// The newest finite global-batch loss (NaN before the first step).
    public private(set) var lastLoss = Double.nan
    private var phaseSums = PhaseTimings()
    private var phaseMaxSums = [Double](repeating: 0, count: 4)
    private var timedSteps = 0
    /// The newest evaluation and the step it was made at (an evaluation is reused, not repeated).
    private var lastEvaluation: (step: Int, result: Evaluation?)?
    private var startEpoch = 0
    private var startStepInEpoch = 0
    var epochLossSum = 0.0

    /// Builds the model, optimizer and data-parallel wrapper, checks that every rank agrees on
    /// model, configuration and data, and makes every replica identical to rank 0's.
    public init(plan: RunPlan, train: Dataset, validation: Dataset?, communicator: any Communicator,
                runDirectory: RunDirectory?, console: Console, initFrom: String? = nil,
                options: TrainerOptions = TrainerOptions()) throws {
        self.plan = plan
        self.communicator = communicator
        self.train = train
        self.validation = validation
        self.runDirectory = runDirectory
        self.console = console
        self.options = options
        let c = plan.config
        model = ModelFactory.make(plan)
        if let initFrom { try WeightsFile.load(initFrom, into: model) }
        loss = LossFunction(config: c)
        let parameters = model.parameters
        optimizer = OptimizerFactory.make(plan, parameters: parameters)
        sampler = DistributedSampler(sampleCount: train.count, worldSize: communicator.worldSize, rank: communicator.rank,
                                     shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast)
        weightLayers = ModelFactory.weightLayers(model)
        weightLayerSlots = weightLayers.map { layer in parameters.firstIndex { $0 === layer.tensor } ?? 0 }
        broadcastsBuffers = !model.namedBuffers().isEmpty && communicator.worldSize > 1

        try StartupCheck.verifyAgreement(communicator: communicator, config: c, model: model, dataset: train)
        dataParallel = DataParallel(model: model, communicator: communicator,
                                    bucketCapacityBytes: Int(c.bucketMB * 1_048_576), overlap: c.overlap,
                                    compression: c.gradCompression.compression)
        dataParallel.broadcastState()
        if c.syncBatchNorm { dataParallel.synchronizeBatchNorm() }
    }

    /// Adds a callback after those already added.
    public func add(_ callback: TrainingCallback) {
        callbacks.append(callback)
    }

    /// Runs until the epoch budget, `--max-steps`, or a callback's stop, and returns the
    /// end-of-run summary (on every rank).
    @discardableResult
    public func run() throws -> TrainingSummary {
        let c = plan.config
        let stepsPerEpoch = plan.microStepsPerEpoch / c.accumulateSteps
        model.train()
        if startEpoch >= c.epochs && step > 0 {
            console.warning("the checkpoint is at step \(step), already past --epochs \(c.epochs); nothing left to train "
                            + "(raise --epochs to continue)")
        }
        var ended: RunEnd?
        // max(): a resumed checkpoint may already be past the last epoch.
        epochs: for epoch in startEpoch..<max(startEpoch, c.epochs) {
            let batches = sampler.batches(epoch: epoch, batchSize: plan.perRankBatch, dropLastBatch: c.dropLast)
            let firstStep = epoch == startEpoch ? startStepInEpoch : 0
            if firstStep == 0 { epochLossSum = 0 }
            for s in firstStep..<stepsPerEpoch {
                let outcome = try trainStep(batches, index: s, epoch: epoch, endsEpoch: s == stepsPerEpoch - 1)
                if let stop = try notify({ try $0.stepDidFinish(outcome, trainer: self) }) { ended = stop; break epochs }
                if step >= plan.optimizerSteps && !outcome.endsEpoch { ended = .maxSteps; break epochs }
            }
            let budgetSpent = step >= plan.optimizerSteps
            let outcome = EpochOutcome(epoch: epoch, step: step, trainLoss: epochLossSum / Double(max(stepsPerEpoch, 1)),
                                       validation: try evaluation(), isLast: epoch == c.epochs - 1 || budgetSpent)
            if let stop = try notify({ try $0.epochDidFinish(outcome, trainer: self) }) { ended = stop; break epochs }
            if budgetSpent && epoch < c.epochs - 1 { ended = .maxSteps; break epochs }
        }
        end = ended ?? .finished
        finishCallbacks()
        return summary()
    }

    /// Calls `body` on every callback in order; the first stop wins, but every callback still
    /// sees the event (so metrics are recorded for the step that reached a target).
    private func notify(_ body: (TrainingCallback) throws -> TrainingDecision) throws -> RunEnd? {
        var stop: RunEnd?
        for callback in callbacks {
            if case let .stop(reason) = try body(callback), stop == nil { stop = reason }
        }
        return stop
    }

    /// Flushes every callback and tells each that the run is over.
    func finishCallbacks() {
        for callback in callbacks { callback.flush() }
        for callback in callbacks { callback.runDidFinish(trainer: self) }
    }

    /// One optimizer step: `accumulateSteps` micro-batches forward and backward, gradients
    /// averaged across ranks, the agreed non-finite and signal flags, then clipping and the
    /// optimizer (or a skip). Returns what every rank agreed on.
    private func trainStep(_ batches: [[Int]], index s: Int, epoch: Int, endsEpoch: Bool) throws -> StepOutcome {
        let c = plan.config
        let k = c.accumulateSteps
        let faults = options.faults
        let stepStart = now()
        let diagnose = diagnostics?.isActive(step: step + 1) ?? false
        var t = PhaseTimings()
        dataParallel.zeroGradients()
        if diagnose { diagnostics?.beginStep(step: step + 1) }
        var localLoss = 0.0
        var localSamples = 0
        for micro in 0..<k {
            let indices = batches[s * k + micro]
            let batch = train.batch(indices)
            let t0 = now()
            let output = model(batch.inputs)
            var l = loss(output, targets: batch.targets, labels: batch.labels)
            if faults.injectsNaN(step: step + 1, rank: communicator.rank) { l = l * Float.nan }
            localLoss += Double(l.item())
            if k > 1 { l = l * (1 / Float(k)) }
            let pause = micro == 0 ? faults.stall(step: step + 1, rank: communicator.rank) : 0
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }  // --debug-fault stall
            let t1 = now()
            dataParallel.backward(l, synchronize: micro == k - 1, captureLocalNorms: diagnose)
            let t2 = now()
            t.forward += seconds(t0, t1)
            t.backward += seconds(t1, t2)
            if let timeline {
                let tag = ["step": "\(step + 1)", "micro_step": "\(micro)"]
                timeline.record("forward", track: "compute", start: t0, end: t1, arguments: tag)
                timeline.record("backward", track: "compute", start: t1, end: t2, arguments: tag)
            }
            localSamples += indices.count
            if diagnose { diagnostics?.microStepDidFinish(index: micro, count: k) }
        }
        t.gradientSync = dataParallel.finishSynchronization()
        if diagnose { diagnostics?.afterSynchronization(localSquaredNorms: dataParallel.localGradientSquaredNorms) }
        let t3 = now()
        // One pass over the gradients serves the non-finite check (a sum of squares is
        // finite exactly when every element is) and the logged norms.
        let squaredNorms = gradientSquaredNorms()
        // One agreement per step: did any rank see a non-finite value, or a pre-emption signal?
        let (nonFinite, preemptSignal) = agreeOnStepFlags(localLoss: localLoss,
                                                          gradientsFinite: squaredNorms.allSatisfy(\.isFinite))
        // Logged norms are of the averaged gradient before clipping rescales it.
        let logging = (step + 1) % c.logEvery == 0 || step == 0 || step + 1 == plan.optimizerSteps || diagnose
        let norms = logging ? weightLayerSlots.map { squaredNorms[$0].squareRoot() } : nil
        if nonFinite {
            try skipNonFiniteStep(squaredNorms)
        } else {
            if let maxNorm = c.clipGradNorm { clipGradientNorm(parameters, maxNorm: maxNorm) }
            optimizer.learningRate = plan.schedule.learningRate(base: plan.learningRate, step: step)
            optimizer.step()
        }
        t.optimizer = seconds(t3, now())
        timeline?.record(nonFinite ? "skipped step" : "optimizer step", track: "compute", start: t3, end: now(),
                         arguments: ["step": "\(step + 1)"])
        if broadcastsBuffers {
            // Rank 0's BatchNorm running statistics go to every rank after the step
            // (PyTorch DDP sends them before the next forward: the same values), so
            // replicas are identical between steps, for the replica check and validation.
            let b0 = now()
            dataParallel.broadcastBuffers()
            t.gradientSync += seconds(b0, now())
        }
        t.total = seconds(stepStart, now())
        step += 1
        if faults.perturbs(step: step, rank: communicator.rank), let p = parameters.first {
            p.pointer[0] += 1e-3
        }
        let diagnosticsRecord = diagnose ? diagnostics?.finishStep(step: step) : nil
        let (globalLoss, phases) = reduceStepStatistics(loss: nonFinite ? .nan : localLoss / Double(k),
                                                        timings: t, samples: localSamples)
        if !nonFinite {
            epochLossSum += globalLoss
            lastLoss = globalLoss
            if firstLoss == nil { firstLoss = globalLoss }
        }
        if let norms {
            if firstNorms == nil { firstNorms = norms }
            lastNorms = norms
        }
        if timedSteps == 1 {
            // The layout the rest of the run uses: the first backward's gradient order settles it.
            console.debug("gradient buckets: \(dataParallel.bucketCount) of up to \(dataParallel.bucketCapacityBytes) bytes, "
                          + "\(dataParallel.gradientBytes) bytes in all (launch order: "
                          + dataParallel.bucketSizes.map(String.init).joined(separator: ", ") + "); overlap "
                          + (dataParallel.overlap && dataParallel.queue.isAsynchronous ? "on" : "off")
                          + ", compression \(c.gradCompression)")
        }
        console.trace(String(format: "step %d (epoch %d, %d/%d): forward %.3f ms, backward %.3f ms, gradient sync %.3f ms, "
                             + "optimizer %.3f ms, total %.3f ms on this rank; loss %.6g", step, epoch + 1, s + 1,
                             plan.microStepsPerEpoch / k, t.forward * 1e3, t.backward * 1e3, t.gradientSync * 1e3,
                             t.optimizer * 1e3, t.total * 1e3, globalLoss))
        return StepOutcome(step: step, epoch: epoch, stepInEpoch: s + 1, endsEpoch: endsEpoch, loss: globalLoss,
                           skipped: nonFinite, gradientNorms: norms, phases: phases, diagnostics: diagnosticsRecord,
                           preemptionSignal: preemptSignal)
    }

    /// Names the tensors with non-finite gradients, then stops or skips the step per the policy.
    private func skipNonFiniteStep(_ squaredNorms: [Double]) throws {
        // A squared norm is non-finite exactly when its gradient holds NaN or infinity.
        // (namedParameters is in parameters order.)
        let layers = zip(model.namedParameters(), squaredNorms).filter { !$0.1.isFinite }.map(\.0.name)
        let where_ = layers.isEmpty ? "the loss" : "gradients of " + layers.prefix(6).joined(separator: ", ")
            + (layers.count > 6 ? ", … (\(layers.count) tensors)" : "")
        if options.nonFinitePolicy == .stop {
            end = .diverged
            throw NonFiniteError(description: "non-finite values at step \(step + 1) in \(where_); stopping. "
                + "Earlier checkpoints are intact. Try a lower --lr, --clip-grad-norm, or --on-nonfinite skip")
        }
        skippedSteps += 1
        console.warning("step \(step + 1): non-finite values in \(where_); step skipped on every rank (\(skippedSteps) so far)")
    }

    /// Every rank's verdict on this step, agreed collectively so that all ranks take the same
    /// branch: whether any rank saw a non-finite loss or gradient, and whether any rank got a
    /// pre-emption signal (and which).
    private func agreeOnStepFlags(localLoss: Double, gradientsFinite: Bool) -> (nonFinite: Bool, signal: Int32?) {
        let localBad = !localLoss.isFinite || !gradientsFinite
        var flags: [Int64] = [localBad ? 1 : 0, Int64(options.preemption?.signalReceived ?? 0)]
        if communicator.worldSize > 1 { flags.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .max) } }
        return (flags[0] != 0, flags[1] != 0 ? Int32(flags[1]) : nil)
    }

    /// Rank 0 writes a checkpoint of the state after the current step; every rank waits for it.
    @discardableResult
    func writeCheckpoint(_ policy: CheckpointPolicy, epoch: Int, stepInEpoch: Int) throws -> String? {
        var path = policy.store.root.appendingPathComponent(CheckpointStore.name(step: step)).path
        var failed = false
        let started = now()
        if communicator.rank == 0 {
            for callback in callbacks { callback.flush() }
            let state = CheckpointState(step: step, epoch: epoch, stepInEpoch: stepInEpoch, worldSize: communicator.worldSize,
                                        effectiveBatch: plan.effectiveBatch, skippedSteps: skippedSteps,
                                        epochLossSum: stepInEpoch == 0 ? 0 : epochLossSum,
                                        firstLoss: firstLoss, firstNorms: firstNorms, config: plan.config,
                                        runDirectory: runDirectory?.path, checksums: [:],
                                        createdAt: ISO8601DateFormatter().string(from: Date()),
                                        noiseScale: diagnostics?.noiseScaleState)
            do {
                path = try policy.store.write(state: state, model: model, optimizer: optimizer, keep: policy.keep).path
            } catch where policy.onError == .warn {
                failed = true
                console.warning("\(error); training goes on and the next checkpoint tries again (--on-checkpoint-error warn)")
            }
        }
        // Nobody moves on until the checkpoint is on disk, and every rank learns whether it is
        // (one allreduce, which waits for rank 0 as a barrier would).
        if communicator.worldSize > 1 {
            var flag: Int32 = failed ? 1 : 0
            withUnsafeMutablePointer(to: &flag) { communicator.allReduce(UnsafeMutableBufferPointer(start: $0, count: 1), op: .max) }
            failed = flag != 0
        }
        guard !failed else { return nil }
        lastCheckpoint = path
        console.debug(communicator.rank == 0
                      ? String(format: "checkpoint at step %d: wrote %@ in %.3f s", step, path, seconds(started, now()))
                      : String(format: "checkpoint at step %d: waited %.3f s for rank 0 to write %@", step,
                               seconds(started, now()), path))
        return path
    }

    /// Marks the run as pre-empted and tells every callback it is over (after the checkpoint).
    func endForPreemption() {
        end = .preempted
        finishCallbacks()
    }

    /// Continues from a checkpoint: weights, optimizer state, and the position in the data.
    /// At the same world size the rest of the run is bitwise identical to an uninterrupted one.
    public func restore(from checkpoint: Checkpoint) throws {
        // `CheckpointStore` checked this already; a `Checkpoint` built by hand has not been.
        try checkpoint.state.validate(file: checkpoint.directory.appendingPathComponent(CheckpointStore.stateFile).path)
        try checkpoint.apply(to: model, optimizer: optimizer)
        lastCheckpoint = checkpoint.directory.path
        let s = checkpoint.state
        step = s.step
        skippedSteps = s.skippedSteps
        firstLoss = s.firstLoss
        firstNorms = s.firstNorms
        restoredNoiseScale = s.noiseScale
        epochLossSum = s.epochLossSum
        startEpoch = s.epoch
        startStepInEpoch = s.stepInEpoch
        if s.effectiveBatch != plan.effectiveBatch && s.stepInEpoch > 0 {
            // The data position is kept in samples: the same samples are not seen twice.
            startStepInEpoch = s.stepInEpoch * s.effectiveBatch / plan.effectiveBatch
        }
        let stepsPerEpoch = plan.microStepsPerEpoch / plan.config.accumulateSteps
        if startStepInEpoch >= stepsPerEpoch { startEpoch += 1; startStepInEpoch = 0; epochLossSum = 0 }
        // Replicas start identical: rank 0's restored state wins (as at a fresh start).
        dataParallel.broadcastState()
    }

    /// Sums the step's loss and timings across ranks: the global-batch loss, and the mean and
    /// slowest rank per phase. One allgather; free with one rank.
    private func reduceStepStatistics(loss: Double, timings t: PhaseTimings, samples: Int) -> (Double, PhaseStatistics) {
        let world = Double(communicator.worldSize)
        // One collective rather than a sum and a max: every rank gathers every rank's figures
        // and reduces them itself, in rank order, so all ranks get the same bits. Per-step
        // collectives cost a network latency each on a cluster.
        let local = [loss] + t.values + [t.total, Double(samples)]
        let all = communicator.worldSize > 1 ? communicator.allGather(local) : [local]
        let sums = all.dropFirst().reduce(all[0]) { zip($0, $1).map(+) }
        let maxima = all.dropFirst().reduce(Array(all[0][1...5])) { zip($0, $1[1...5]).map(max) }
        let phases = PhaseStatistics(mean: sums[1...4].map { $0 / world }, max: Array(maxima[0...3]))
        for i in 0..<4 { phaseMaxSums[i] += phases.max[i] }
        phaseSums.forward += phases.mean[0]; phaseSums.backward += phases.mean[1]
        phaseSums.gradientSync += phases.mean[2]; phaseSums.optimizer += phases.mean[3]
        timedSteps += 1
        samplesSeen += Int(sums[6])
        trainingSeconds += maxima[4]
        // Every rank's shard loss is a mean over the same number of samples, so the mean of
        // the rank means is the mean over the whole global batch.
        return (sums[0] / world, phases)
    }

    /// The squared L2 norm of each parameter's (averaged) gradient, in `model.parameters`
    /// order; 0 for a parameter without one.
    private func gradientSquaredNorms() -> [Double] {
        parameters.map { p in p.grad.map { VectorMath.sumOfSquares($0.pointer, $0.count) } ?? 0 }
    }

    /// The validation result at the current step: the newest evaluation if it was made at
    /// this step, otherwise a fresh one. Collective.
    public func evaluation() throws -> Evaluation? {
        if let last = lastEvaluation, last.step == step { return last.result }
        let started = now()
        let result = try evaluate()
        lastEvaluation = (step, result)
        if let result, console.logger.logLevel <= .debug {
            var metadata: Logger.Metadata = ["step": "\(step)", "val_loss": "\(result.loss)",
                                             "seconds": "\(String(format: "%.3f", seconds(started, now())))"]
            if let accuracy = result.accuracy { metadata["val_accuracy"] = "\(accuracy)" }
            console.debug("evaluation", metadata: metadata)
        }
        return result
    }

    /// The end-of-run summary.
    public func summary() -> TrainingSummary {
        let n = Double(max(timedSteps, 1))
        let phases = PhaseStatistics(mean: phaseSums.values.map { $0 / n }, max: phaseMaxSums.map { $0 / n })
        return TrainingSummary(layerNames: weightLayers.map(\.name), firstNorms: firstNorms ?? [], lastNorms: lastNorms,
                               firstLoss: firstLoss ?? .nan, finalLoss: lastLoss,
                               validationLoss: lastEvaluation?.result?.loss, validationAccuracy: lastEvaluation?.result?.accuracy,
                               steps: step, stepsThisRun: timedSteps, phases: phases,
                               samplesPerSecond: Double(samplesSeen) / max(trainingSeconds, 1e-9),
                               diagnosticsLines: diagnostics?.summaryLines() ?? [])
    }
}
