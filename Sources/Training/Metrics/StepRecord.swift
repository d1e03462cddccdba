/// What one optimizer step produced, as every metrics sink sees it.
public struct StepRecord: Sendable {
    /// The optimizer step, from 1.
    public var step: Int
    /// The epoch, from 1.
    public var epoch: Int
    /// Mean loss over the whole global batch.
    public var loss: Double
    /// The learning rate this step used.
    public var learningRate: Float
    /// Global samples per second for this step (effective batch over the slowest rank's step time).
    public var samplesPerSecond: Double
    /// Each weight layer's gradient norm after averaging, in forward order.
    public var gradientNorms: [(name: String, norm: Double)]
    /// First layer's gradient norm over the last hidden layer's.
    public var vanishingFactor: Double?
    /// Phase timings, mean and slowest rank.
    public var phases: PhaseStatistics
    /// Heavier per-layer diagnostics, on steps where `--diagnostics-every` asks for them.
    public var diagnostics: DiagnosticsRecord?
}

/// What one epoch produced.
public struct EpochRecord: Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The optimizer step at the end of the epoch.
    public var step: Int
    /// Mean of the epoch's step losses.
    public var trainLoss: Double
    /// Loss on the validation split, when there is one.
    public var validationLoss: Double?
    /// Accuracy on the validation split (classification).
    public var validationAccuracy: Double?
}

/// One scheduled evaluation between epoch ends.
public struct EvaluationRecord: Sendable {
    /// The optimizer step it was made after.
    public var step: Int
    /// Mean global-batch training loss over the steps since the previous evaluation.
    public var trainLoss: Double?
    /// Loss on the validation split.
    public var validationLoss: Double?
    /// Accuracy on the validation split (classification).
    public var validationAccuracy: Double?
}

/// Per-layer diagnostics of one step (see docs/METRICS.md).
public struct DiagnosticsRecord: Sendable {
    /// Statistics of one activation layer's outputs over the rank's batch.
    public struct Activation: Sendable {
        /// The layer's state-dict name, e.g. `model.1`.
        public var name: String
        /// Mean of the layer's outputs.
        public var mean: Double
        /// Standard deviation of the layer's outputs.
        public var std: Double
        /// Sigmoid/tanh: fraction of units whose derivative is below 5% of its maximum.
        public var saturatedFraction: Double?
        /// ReLU-like: fraction of units inactive for the whole batch.
        public var deadFraction: Double?
        /// Statistics from their parts.
        public init(name: String, mean: Double, std: Double, saturatedFraction: Double?, deadFraction: Double?) {
            self.name = name; self.mean = mean; self.std = std
            self.saturatedFraction = saturatedFraction; self.deadFraction = deadFraction
        }
    }

    /// The gradient noise scale (McCandlish et al. 2018) from small- and large-batch gradients.
    public struct NoiseScale: Sendable {
        /// Unbiased estimate of |G|².
        public var gradientSquaredNorm: Double
        /// Unbiased estimate of tr(Σ).
        public var traceCovariance: Double
        /// B_simple = tr(Σ)/|G|² for this step (may be negative or huge when noisy).
        public var simple: Double
        /// Exponential moving averages of |G|² and tr(Σ), and their ratio: the smoothed estimate.
        public var smoothed: Double?
        /// Per weight layer, smoothed.
        public var perLayer: [(name: String, value: Double?)]
        /// The small and large batch sizes the estimate used.
        public var smallBatch: Int
        /// Samples behind the large-batch (averaged) gradient.
        public var largeBatch: Int
        /// An estimate from its parts.
        public init(gradientSquaredNorm: Double, traceCovariance: Double, simple: Double, smoothed: Double?,
                    perLayer: [(name: String, value: Double?)], smallBatch: Int, largeBatch: Int) {
            self.gradientSquaredNorm = gradientSquaredNorm; self.traceCovariance = traceCovariance
            self.simple = simple; self.smoothed = smoothed; self.perLayer = perLayer
            self.smallBatch = smallBatch; self.largeBatch = largeBatch
        }
    }

    /// Per weight layer: mean and spread (std) across ranks of the local gradient norm before averaging.
    public var localGradientNorms: [(name: String, mean: Double, spread: Double)]
    /// Per weight layer: ‖Δw‖/‖w‖ of this step's update.
    public var updateRatios: [(name: String, ratio: Double)]
    /// Per activation layer: output statistics over the batch.
    public var activations: [Activation]
    /// Nil when unavailable (one rank without accumulation); `noiseScaleNote` says why.
    public var noiseScale: NoiseScale?
    /// Why `noiseScale` is nil, for the summary.
    public var noiseScaleNote: String?
    /// Values for TensorBoard histograms (per-layer gradients and activations), by tag.
    public var histograms: [(tag: String, values: [Float])]

    /// A record from its parts; everything defaults to empty.
    public init(localGradientNorms: [(name: String, mean: Double, spread: Double)] = [],
                updateRatios: [(name: String, ratio: Double)] = [], activations: [Activation] = [],
                noiseScale: NoiseScale? = nil, noiseScaleNote: String? = nil, histograms: [(tag: String, values: [Float])] = []) {
        self.localGradientNorms = localGradientNorms; self.updateRatios = updateRatios; self.activations = activations
        self.noiseScale = noiseScale; self.noiseScaleNote = noiseScaleNote; self.histograms = histograms
    }
}
