import Autograd
import Distributed
import Foundation
import NN

/// Trains one model replica per rank on its shard of each global batch, with gradients
/// averaged across ranks after every optimizer step. With one rank it is plain training.
public final class Trainer {
    public let plan: RunPlan
    public let communicator: any Communicator
    public let model: Module
    public let dataParallel: DataParallel
    public let optimizer: Optimizer
    public let train: Dataset
    public let validation: Dataset?
    public let sampler: DistributedSampler
    public let loss: LossFunction
    /// Rank 0's run directory; nil on other ranks and when no directory is wanted.
    public let runDirectory: RunDirectory?
    public var progress: ProgressReporter?
    /// Where start-up lines and warnings go (rank 0 only).
    public var console: Console
    /// Receivers of step and epoch records (rank 0; metrics.jsonl, TensorBoard).
    public var sinks: [MetricsSink] = []
    /// Heavier per-layer diagnostics, when enabled.
    public var diagnostics: StepDiagnostics?
    /// Compare parameter checksums across ranks every this many steps (0: never).
    public var replicaCheckInterval = 0

    /// Optimizer steps taken.
    public private(set) var step = 0
    private let weightLayers: [(name: String, tensor: Tensor)]
    private var firstNorms: [Double]?
    private var lastNorms: [Double] = []
    private var firstLoss: Double?
    private var lastLoss = Double.nan
    private var phaseSums = PhaseTimings()
    private var phaseMaxSums = [Double](repeating: 0, count: 4)
    private var timedSteps = 0
    private var samplesSeen = 0
    private var trainingSeconds = 0.0
    private var lastValidation: (loss: Double, accuracy: Double?)?

    /// Builds the model, optimizer and data-parallel wrapper, checks that every rank agrees on
    /// model, configuration and data, and makes every replica identical to rank 0's.
    public init(plan: RunPlan, train: Dataset, validation: Dataset?, communicator: any Communicator,
                runDirectory: RunDirectory?, console: Console, initFrom: String? = nil) throws {
        self.plan = plan
        self.communicator = communicator
        self.train = train
        self.validation = validation
        self.runDirectory = runDirectory
        self.console = console
        let c = plan.config
        model = ModelFactory.make(plan)
        if let initFrom { try WeightsFile.load(initFrom, into: model) }
        loss = LossFunction(config: c)
        optimizer = OptimizerFactory.make(plan, parameters: model.parameters)
        sampler = DistributedSampler(sampleCount: train.count, worldSize: communicator.worldSize, rank: communicator.rank,
                                     shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast)
        weightLayers = ModelFactory.weightLayers(model)

        try StartupCheck.verifyAgreement(communicator: communicator, config: c, model: model, dataset: train)
        dataParallel = DataParallel(model: model, communicator: communicator,
                                    bucketCapacityBytes: Int(c.bucketMB * 1_048_576), overlap: c.overlap,
                                    compression: GradientCompression(rawValue: c.gradCompression) ?? .none)
        dataParallel.broadcastState()
        if c.syncBatchNorm { dataParallel.synchronizeBatchNorm() }
    }

    /// Runs every epoch and returns the end-of-run summary (on every rank).
    @discardableResult
    public func run() throws -> TrainingSummary {
        let c = plan.config
        let k = c.accumulateSteps
        let stepsPerEpoch = plan.microStepsPerEpoch / k
        let hasBuffers = !model.namedBuffers().isEmpty && communicator.worldSize > 1
        model.train()
        for epoch in 0..<c.epochs {
            let batches = sampler.batches(epoch: epoch, batchSize: plan.perRankBatch, dropLastBatch: c.dropLast)
            var epochLossSum = 0.0
            for s in 0..<stepsPerEpoch {
                let stepStart = now()
                let diagnose = diagnostics?.isActive(step: step + 1) ?? false
                var t = PhaseTimings()
                dataParallel.zeroGradients()
                if hasBuffers { dataParallel.broadcastBuffers() }
                if diagnose { diagnostics?.beginStep(step: step + 1) }
                var localLoss = 0.0
                var localSamples = 0
                for micro in 0..<k {
                    let indices = batches[s * k + micro]
                    let batch = train.batch(indices)
                    let t0 = now()
                    let output = model(batch.inputs)
                    var l = loss(output, targets: batch.targets, labels: batch.labels)
                    localLoss += Double(l.item())
                    if k > 1 { l = l * (1 / Float(k)) }
                    let t1 = now()
                    dataParallel.beginBackward(synchronize: micro == k - 1, captureLocalNorms: diagnose)
                    l.backward()
                    let t2 = now()
                    t.forward += seconds(t0, t1)
                    t.backward += seconds(t1, t2)
                    localSamples += indices.count
                    if diagnose { diagnostics?.microStepDidFinish(index: micro, count: k) }
                }
                t.gradientSync = dataParallel.finishSynchronization()
                if diagnose { diagnostics?.afterSynchronization(localSquaredNorms: dataParallel.localGradientSquaredNorms) }
                let t3 = now()
                if let maxNorm = c.clipGradNorm { clipGradientNorm(model.parameters, maxNorm: maxNorm) }
                optimizer.learningRate = plan.schedule.learningRate(base: plan.learningRate, step: step)
                optimizer.step()
                t.optimizer = seconds(t3, now())
                t.total = seconds(stepStart, now())
                step += 1
                let diagnosticsRecord = diagnose ? diagnostics?.finishStep(step: step) : nil
                if replicaCheckInterval > 0 && step % replicaCheckInterval == 0 {
                    try ReplicaCheck.verify(model: model, communicator: communicator, step: step)
                }

                let (globalLoss, phases) = reduceStepStatistics(loss: localLoss / Double(k), timings: t, samples: localSamples)
                epochLossSum += globalLoss
                lastLoss = globalLoss
                if firstLoss == nil { firstLoss = globalLoss }
                let logging = step % c.logEvery == 0 || step == 1 || step == plan.optimizerSteps || diagnosticsRecord != nil
                if logging {
                    let norms = gradientNorms()
                    if firstNorms == nil { firstNorms = norms }
                    lastNorms = norms
                    let record = StepRecord(
                        step: step, epoch: epoch + 1, loss: globalLoss, learningRate: optimizer.learningRate,
                        samplesPerSecond: Double(plan.effectiveBatch) / max(phases.max.reduce(0, +), 1e-12),
                        gradientNorms: zip(weightLayers, norms).map { ($0.0.name, $0.1) },
                        vanishingFactor: ModelFactory.vanishingFactor(gradientNorms: norms),
                        phases: phases, diagnostics: diagnosticsRecord)
                    for sink in sinks { sink.record(record) }
                }
                progress?.update(epoch: epoch + 1, epochs: c.epochs, step: step,
                                 loss: globalLoss, samplesPerSecond: Double(samplesSeen) / max(trainingSeconds, 1e-9))
            }
            let validationResult = try evaluate()
            lastValidation = validationResult
            let record = EpochRecord(epoch: epoch + 1, step: step, trainLoss: epochLossSum / Double(max(stepsPerEpoch, 1)),
                                     validationLoss: validationResult?.loss, validationAccuracy: validationResult?.accuracy)
            for sink in sinks { sink.record(record) }
        }
        progress?.finish()
        for sink in sinks { sink.flush() }
        return summary()
    }

    /// Sums the step's loss and timings across ranks: the global-batch loss, and the mean and
    /// slowest rank per phase. One allreduce of each kind; free with one rank.
    private func reduceStepStatistics(loss: Double, timings t: PhaseTimings, samples: Int) -> (Double, PhaseStatistics) {
        let world = Double(communicator.worldSize)
        var sums = [loss] + t.values + [t.total, Double(samples)]
        var maxima = t.values + [t.total]
        if communicator.worldSize > 1 {
            sums.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .sum) }
            maxima.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .max) }
        }
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

    /// The L2 norm of each weight layer's (averaged) gradient, in forward order.
    private func gradientNorms() -> [Double] {
        weightLayers.map { layer in
            guard let g = layer.tensor.grad else { return 0 }
            return VectorMath.sumOfSquares(g.pointer, g.count).squareRoot()
        }
    }

    /// Validation loss (and accuracy for classification) over the held-out split. Each rank
    /// takes a rank-strided share without padding, so no sample counts twice.
    public func evaluate() throws -> (loss: Double, accuracy: Double?)? {
        guard let validation else { return nil }
        model.eval()
        defer { model.train() }
        let mine = Array(stride(from: communicator.rank, to: validation.count, by: communicator.worldSize))
        var totals = [0.0, 0.0, 0.0]  // loss × samples, samples, correct
        withoutGradients {
            var start = 0
            while start < mine.count {
                let idx = Array(mine[start..<min(start + 1024, mine.count)])
                let b = validation.batch(idx)
                let out = model(b.inputs)
                totals[0] += Double(loss(out, targets: b.targets, labels: b.labels).item()) * Double(idx.count)
                totals[1] += Double(idx.count)
                if let labels = b.labels {
                    let c = out.shape[1]
                    for (r, label) in labels.enumerated() {
                        let row = out.pointer + r * c
                        var best = 0
                        for j in 1..<c where row[j] > row[best] { best = j }
                        if best == label { totals[2] += 1 }
                    }
                }
                start += idx.count
            }
        }
        if communicator.worldSize > 1 { totals.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .sum) } }
        guard totals[1] > 0 else { return nil }
        return (totals[0] / totals[1], validation.labels != nil ? totals[2] / totals[1] : nil)
    }

    /// The end-of-run summary.
    public func summary() -> TrainingSummary {
        let n = Double(max(timedSteps, 1))
        let phases = PhaseStatistics(mean: phaseSums.values.map { $0 / n }, max: phaseMaxSums.map { $0 / n })
        return TrainingSummary(layerNames: weightLayers.map(\.name), firstNorms: firstNorms ?? [], lastNorms: lastNorms,
                               firstLoss: firstLoss ?? .nan, finalLoss: lastLoss,
                               validationLoss: lastValidation?.loss, validationAccuracy: lastValidation?.accuracy,
                               steps: step, phases: phases,
                               samplesPerSecond: Double(samplesSeen) / max(trainingSeconds, 1e-9),
                               diagnosticsLines: diagnostics?.summaryLines() ?? [])
    }
}
