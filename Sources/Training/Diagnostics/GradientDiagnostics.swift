import Autograd
import Collectives
import NN

/// Per-layer diagnostics of gradient flow, every K optimizer steps, across all ranks.
///
/// On a diagnostic step (step 1 and every `options.every`-th step) it measures:
/// - each weight layer's local gradient norm before averaging, as its mean and spread (std)
///   across ranks;
/// - each weight layer's update-to-weight ratio ‖Δw‖/‖w‖;
/// - each activation layer's output mean and std, its saturated fraction (sigmoid, tanh) or
///   its dead fraction (ReLU-like), over the global batch;
/// - the gradient noise scale B_simple (McCandlish et al. 2018), overall and per weight layer,
///   from the local and the averaged gradients (or, with one rank, from each micro-batch's
///   own gradient and the accumulated one);
/// - histograms of weight-layer gradients and activation outputs, for TensorBoard (rank 0).
///
/// It warns once per run about vanishing gradients, saturation and dead units (see
/// `DiagnosticWarnings`) and adds lines and a verdict to the end-of-run summary.
///
/// Off-steps cost nothing: the trainer calls only `isActive(step:)`, and activation hooks are
/// armed only between `beginStep` and `finishStep`. Every rank must hold one (the diagnostic
/// calls run collectives); only rank 0 prints.
public final class GradientDiagnostics: StepDiagnostics {
    /// When to measure and when to warn.
    public let options: DiagnosticsOptions
    private let model: Module
    private let communicator: any Communicator
    private let console: Console
    private let parameters: [(name: String, tensor: Tensor)]
    /// Indices into `parameters` of the weight layers (`ModelFactory.weightLayers`), forward order.
    private let weightIndices: [Int]
    private let activationModules: [(name: String, module: Activation)]
    private let perRankBatch: Int
    private let accumulationSteps: Int
    private let traits: ModelTraits

    // One diagnostic step's state.
    private var weightSnapshots: [[Float]] = []
    private var accumulators: [ActivationAccumulator] = []
    private var savedHooks: [((Module, Tensor) -> Void)?] = []
    /// One rank with accumulation: the accumulated gradient after the previous micro-batch,
    /// and per parameter the sum over micro-batches of each one's own squared gradient norm.
    private var previousGradients: [[Float]] = []
    private var microBatchSquaredNorms: [Double] = []
    private var microBatchesMeasured = 0
    private var averagedSquaredNorms: [Double] = []
    private var localNorms: [(name: String, mean: Double, spread: Double)] = []
    private var noiseScale: DiagnosticsRecord.NoiseScale?
    private var gradientSamples: [(tag: String, values: [Float])] = []

    // The run's state.
    private var overallSmoother: NoiseScaleSmoother
    private var layerSmoothers: [NoiseScaleSmoother]
    private var warnings: DiagnosticWarnings
    private var noteReported = false
    private var diagnosticSteps = 0
    private var lastStep = 0
    private var lastVanishingFactor: Double?
    private var worstVanishingFactor: (step: Int, factor: Double)?
    /// The record of the last diagnostic step.
    public private(set) var lastRecord: DiagnosticsRecord?
    /// The warnings issued so far (printed by rank 0), in order.
    public private(set) var warningsIssued: [String] = []

    /// Diagnostics for a trainer's model, ranks and batch sizes.
    public convenience init(trainer: Trainer, options: DiagnosticsOptions) {
        self.init(model: trainer.model, communicator: trainer.communicator, perRankBatch: trainer.plan.perRankBatch,
                  accumulationSteps: trainer.plan.config.accumulateSteps, console: trainer.console,
                  initializer: trainer.plan.config.initializer, options: options)
    }

    /// Diagnostics for `model`, trained on `communicator`'s ranks with `perRankBatch` samples
    /// per micro-batch and `accumulationSteps` micro-batches per optimizer step.
    ///
    /// - Parameter initializer: the initializer in use, so advice skips it.
    public init(model: Module, communicator: any Communicator, perRankBatch: Int, accumulationSteps: Int,
                console: Console, initializer: InitializerChoice? = nil, options: DiagnosticsOptions) {
        self.options = options
        self.model = model
        self.communicator = communicator
        self.console = console
        self.perRankBatch = perRankBatch
        self.accumulationSteps = max(accumulationSteps, 1)
        let named = model.namedParameters()
        let weightNames = Set(ModelFactory.weightLayers(model).map(\.name))
        parameters = named
        weightIndices = named.indices.filter { weightNames.contains(named[$0].name) }
        // A module registered twice (shared) is watched once, under its first name, so that
        // arming and restoring its hook stay paired.
        var seen = Set<ObjectIdentifier>()
        activationModules = model.namedModules().compactMap { entry in
            guard let a = entry.module as? Activation, seen.insert(ObjectIdentifier(a)).inserted else { return nil }
            return (entry.name, a)
        }
        traits = ModelTraits(model: model, initializer: initializer)
        overallSmoother = NoiseScaleSmoother(decay: options.noiseScaleDecay)
        layerSmoothers = Array(repeating: NoiseScaleSmoother(decay: options.noiseScaleDecay), count: weightIndices.count)
        warnings = DiagnosticWarnings(options: options, traits: traits)
    }

    /// The noise-scale averages so far, for a checkpoint; setting it continues from saved ones
    /// (ignored when the saved per-layer count does not match this model's weight layers).
    public var noiseScaleState: NoiseScaleState? {
        get { NoiseScaleState(overall: overallSmoother, layers: layerSmoothers) }
        set {
            guard let newValue, newValue.layers.count == layerSmoothers.count else { return }
            let decay = options.noiseScaleDecay
            overallSmoother = NoiseScaleSmoother(decay: decay, continuing: newValue.overall)
            layerSmoothers = newValue.layers.map { NoiseScaleSmoother(decay: decay, continuing: $0) }
        }
    }

    /// Samples behind each optimizer step: per rank × ranks × accumulation.
    public var effectiveBatch: Int { perRankBatch * communicator.worldSize * accumulationSteps }

    /// Why the noise scale cannot be estimated in this setup, or nil when it can.
    public var noiseScaleNote: String? {
        guard communicator.worldSize == 1 && accumulationSteps == 1 else { return nil }
        return "one rank without gradient accumulation sees one batch size per step; "
            + "run 2+ ranks (mpirun) or --accumulate-steps 2+"
    }

    /// Whether `step` is a diagnostic step (step 1 and every `options.every`-th).
    public func isActive(step: Int) -> Bool { options.isDiagnosticStep(step) }

    /// Snapshots the weights and arms the activation hooks for a diagnostic step.
    public func beginStep(step: Int) {
        weightSnapshots = weightIndices.map { Array(parameters[$0].tensor.buffer) }
        previousGradients = []
        microBatchSquaredNorms = []
        microBatchesMeasured = 0
        averagedSquaredNorms = []
        localNorms = []
        noiseScale = nil
        gradientSamples = []
        let sampleLimit = communicator.rank == 0 ? options.histogramSampleLimit : 0
        accumulators = activationModules.map { ActivationAccumulator(name: $0.name, kind: $0.module.kind) }
        savedHooks = activationModules.map { $0.module.forwardHook }
        for (i, entry) in activationModules.enumerated() {
            let previous = savedHooks[i]
            entry.module.forwardHook = { [unowned self] module, y in
                previous?(module, y)
                self.accumulators[i].add(y, sampleLimit: sampleLimit)
            }
        }
    }

    /// Counts a finished micro-batch (its gradient is the small-batch estimate with one rank).
    public func microStepDidFinish(index: Int, count: Int) {
        // One rank with accumulation: each micro-batch is a small batch. The last one is
        // measured after synchronization instead, when no allreduce can be touching it.
        guard count >= 2, communicator.worldSize == 1, index < count - 1 else { return }
        measureMicroBatch()
    }

    /// Adds the squared norms of the latest micro-batch's own gradient: the change in the
    /// accumulated gradient since the previous micro-batch, times K (the trainer scales each
    /// micro-batch loss by 1/K).
    private func measureMicroBatch() {
        if previousGradients.isEmpty {
            previousGradients = parameters.map { [Float](repeating: 0, count: $0.tensor.count) }
            microBatchSquaredNorms = [Double](repeating: 0, count: parameters.count)
        }
        let k = Double(accumulationSteps)
        for (p, parameter) in parameters.enumerated() {
            guard let g = parameter.tensor.grad, g.count == previousGradients[p].count else { continue }
            let current = g.pointer
            var sum = 0.0
            previousGradients[p].withUnsafeMutableBufferPointer { previous in
                for i in 0..<previous.count {
                    let d = Double(current[i] - previous[i]) * k
                    sum += d * d
                    previous[i] = current[i]
                }
            }
            microBatchSquaredNorms[p] += sum
        }
        microBatchesMeasured += 1
    }

    /// Measures the averaged gradients against each rank's local norms (collective across ranks).
    public func afterSynchronization(localSquaredNorms: [Double]) {
        averagedSquaredNorms = parameters.map { squaredNorm($0.tensor.grad) }
        if communicator.worldSize == 1 && accumulationSteps >= 2 && microBatchesMeasured == accumulationSteps - 1 {
            measureMicroBatch()
        }
        let local = localSquaredNorms.count == parameters.count ? localSquaredNorms : averagedSquaredNorms
        let perRank = communicator.worldSize > 1 ? communicator.allGather(local) : [local]
        localNorms = weightIndices.map { i in
            let norms = perRank.map { $0[i].squareRoot() }
            let mean = norms.reduce(0, +) / Double(norms.count)
            let variance = norms.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(norms.count)
            return (parameters[i].name, mean, variance.squareRoot())
        }
        noiseScale = estimateNoiseScale(perRank: perRank)
        if communicator.rank == 0 && options.histogramSampleLimit > 0 {
            gradientSamples = weightIndices.compactMap { i in
                parameters[i].tensor.grad.map { ("gradients/\(parameters[i].name)", sample($0)) }
            }
        }
    }

    /// The small- and large-batch squared norms this setup offers, fed to the estimator.
    private func estimateNoiseScale(perRank: [[Double]]) -> DiagnosticsRecord.NoiseScale? {
        let small: [Double], smallBatch: Int, largeBatch: Int
        if communicator.worldSize > 1 {
            let n = Double(perRank.count)
            small = parameters.indices.map { i in perRank.reduce(0) { $0 + $1[i] } / n }
            smallBatch = perRankBatch * accumulationSteps
            largeBatch = smallBatch * communicator.worldSize
        } else if microBatchesMeasured == accumulationSteps && accumulationSteps >= 2 {
            small = microBatchSquaredNorms.map { $0 / Double(microBatchesMeasured) }
            smallBatch = perRankBatch
            largeBatch = perRankBatch * accumulationSteps
        } else {
            return nil
        }
        let large = averagedSquaredNorms
        let overall = NoiseScaleEstimator.estimate(smallSquaredNorm: small.reduce(0, +), largeSquaredNorm: large.reduce(0, +),
                                                   smallBatch: smallBatch, largeBatch: largeBatch)
        overallSmoother.add(overall)
        var perLayer: [(name: String, value: Double?)] = []
        for (slot, i) in weightIndices.enumerated() {
            layerSmoothers[slot].add(NoiseScaleEstimator.estimate(smallSquaredNorm: small[i], largeSquaredNorm: large[i],
                                                                  smallBatch: smallBatch, largeBatch: largeBatch))
            perLayer.append((parameters[i].name, layerSmoothers[slot].value))
        }
        return DiagnosticsRecord.NoiseScale(gradientSquaredNorm: overall.gradientSquaredNorm,
                                            traceCovariance: overall.traceCovariance, simple: overall.simple,
                                            smoothed: overallSmoother.value, perLayer: perLayer,
                                            smallBatch: smallBatch, largeBatch: largeBatch)
    }

    /// Measures updates and activations, disarms the hooks and returns the step's record (collective).
    public func finishStep(step: Int) -> DiagnosticsRecord {
        for (i, entry) in activationModules.enumerated() { entry.module.forwardHook = savedHooks[i] }
        savedHooks = []
        reduceActivationsAcrossRanks()

        let updateRatios: [(name: String, ratio: Double)] = zip(weightIndices, weightSnapshots).map { i, before in
            let after = parameters[i].tensor.buffer
            var change = 0.0, size = 0.0
            for (a, b) in zip(after, before) {
                let d = Double(a) - Double(b)
                change += d * d
                size += Double(b) * Double(b)
            }
            return (parameters[i].name, size > 0 ? (change / size).squareRoot() : .nan)
        }
        weightSnapshots = []
        previousGradients = []

        let weightNorms = weightIndices.map { i in
            (name: parameters[i].name, norm: averagedSquaredNorms.indices.contains(i) ? averagedSquaredNorms[i].squareRoot() : 0)
        }
        let vanishingFactor = ModelFactory.vanishingFactor(gradientNorms: weightNorms.map(\.norm))
        let activations = accumulators.map(\.record)
        for message in warnings.observe(step: step, gradientNorms: weightNorms, vanishingFactor: vanishingFactor,
                                        activations: activations) {
            console.warning(message)
            warningsIssued.append(message)
        }

        var histograms = gradientSamples
        if communicator.rank == 0 {
            histograms += accumulators.filter { !$0.sample.isEmpty }.map { ("activations/\($0.name)", $0.sample) }
        }
        let note = noiseScale == nil && !noteReported ? (noiseScaleNote ?? "no small-batch gradient was captured") : nil
        if note != nil { noteReported = true }
        let record = DiagnosticsRecord(localGradientNorms: localNorms, updateRatios: updateRatios, activations: activations,
                                       noiseScale: noiseScale, noiseScaleNote: note, histograms: histograms)
        accumulators = []
        gradientSamples = []
        diagnosticSteps += 1
        lastStep = step
        lastVanishingFactor = vanishingFactor
        if let f = vanishingFactor, f < worstVanishingFactor?.factor ?? .infinity { worstVanishingFactor = (step, f) }
        lastRecord = record
        return record
    }

    /// Sums every activation layer's statistics across ranks, in one allreduce.
    private func reduceActivationsAcrossRanks() {
        guard communicator.worldSize > 1, !accumulators.isEmpty else { return }
        let parts = accumulators.map(\.reducible)
        var flat = parts.flatMap { $0 }
        flat.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .sum) }
        var offset = 0
        for (i, part) in parts.enumerated() {
            accumulators[i].adopt(flat[offset..<offset + part.count])
            offset += part.count
        }
    }

    /// The end-of-run lines: each condition seen, the noise scale and a verdict.
    public func summaryLines() -> [String] {
        DiagnosticsSummary(options: options, traits: traits, diagnosticSteps: diagnosticSteps, lastStep: lastStep,
                           lastRecord: lastRecord, vanishingFactor: lastVanishingFactor,
                           worstVanishingFactor: worstVanishingFactor, effectiveBatch: effectiveBatch,
                           noiseScaleNote: noiseScaleNote,
                           activationKinds: Dictionary(activationModules.map { ($0.name, $0.module.kind.name) },
                                                       uniquingKeysWith: { first, _ in first })).lines()
    }

    private func squaredNorm(_ g: Tensor?) -> Double {
        guard let g else { return 0 }
        return VectorMath.sumOfSquares(g.pointer, g.count)
    }

    /// At most `histogramSampleLimit` values of `t`, evenly strided.
    private func sample(_ t: Tensor) -> [Float] {
        let stride = max(1, (t.count + options.histogramSampleLimit - 1) / options.histogramSampleLimit)
        let p = t.pointer
        return Swift.stride(from: 0, to: t.count, by: stride).map { p[$0] }
    }
}
