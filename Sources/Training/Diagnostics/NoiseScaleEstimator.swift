/// The gradient noise scale B_simple = tr(Σ)/|G|² (McCandlish et al. 2018, "An Empirical Model
/// of Large-Batch Training", appendix A) from gradient norms at two batch sizes.
///
/// For a gradient estimated from a batch of b samples, E|G_b|² = |G|² + tr(Σ)/b, where G is the
/// true gradient and Σ the per-sample covariance. Two batch sizes give two equations, hence
/// unbiased estimates of both unknowns. Data parallelism provides them for free: each rank's
/// local gradient (batch B) and the average over N ranks (batch N·B).
public enum NoiseScaleEstimator {
    /// Unbiased estimates of |G|² and tr(Σ) from one step.
    public struct Estimate: Sendable, Equatable {
        /// |G|² ≈ (B_big·|G_big|² − B_small·|G_small|²)/(B_big − B_small).
        public var gradientSquaredNorm: Double
        /// tr(Σ) ≈ (|G_small|² − |G_big|²)/(1/B_small − 1/B_big).
        public var traceCovariance: Double

        /// An estimate from its two parts.
        public init(gradientSquaredNorm: Double, traceCovariance: Double) {
            self.gradientSquaredNorm = gradientSquaredNorm
            self.traceCovariance = traceCovariance
        }

        /// tr(Σ)/|G|² for this one step: noisy, possibly negative or huge; smooth it.
        public var simple: Double { traceCovariance / gradientSquaredNorm }
    }

    /// Estimates |G|² and tr(Σ).
    ///
    /// - Parameters:
    ///   - smallSquaredNorm: |G_small|², the mean over the small-batch estimates (e.g. over
    ///     ranks) of their squared norms.
    ///   - largeSquaredNorm: |G_big|², the squared norm of the large-batch gradient (the average).
    ///   - smallBatch: samples behind each small-batch gradient.
    ///   - largeBatch: samples behind the large-batch gradient; must exceed `smallBatch`.
    public static func estimate(smallSquaredNorm: Double, largeSquaredNorm: Double,
                                smallBatch: Int, largeBatch: Int) -> Estimate {
        precondition(largeBatch > smallBatch && smallBatch > 0, "the large batch must exceed the small batch")
        let b = Double(smallBatch), big = Double(largeBatch)
        return Estimate(gradientSquaredNorm: (big * largeSquaredNorm - b * smallSquaredNorm) / (big - b),
                        traceCovariance: (smallSquaredNorm - largeSquaredNorm) / (1 / b - 1 / big))
    }
}

/// Exponential moving averages of |G|² and tr(Σ), kept apart: the ratio of two averages is far
/// steadier than the average of noisy per-step ratios, whose denominators can cross zero.
public struct NoiseScaleSmoother: Codable, Sendable, Equatable {
    /// The weight of the past; 0.9 averages over roughly the last ten diagnostic steps.
    public let decay: Double
    /// The moving average of |G|².
    public private(set) var gradientSquaredNorm = 0.0
    /// The moving average of tr(Σ).
    public private(set) var traceCovariance = 0.0
    /// Estimates folded in so far.
    public private(set) var updates = 0

    /// An empty smoother with the given weight of the past.
    public init(decay: Double = 0.9) {
        self.decay = decay
    }

    /// A smoother with `decay` that continues from `saved`'s averages (a resumed run keeps its
    /// history, even if the decay has been changed since).
    public init(decay: Double, continuing saved: NoiseScaleSmoother) {
        self.decay = decay
        gradientSquaredNorm = saved.gradientSquaredNorm
        traceCovariance = saved.traceCovariance
        updates = saved.updates
    }

    /// Folds in one step's estimate (non-finite estimates are skipped).
    public mutating func add(_ e: NoiseScaleEstimator.Estimate) {
        guard e.gradientSquaredNorm.isFinite && e.traceCovariance.isFinite else { return }
        gradientSquaredNorm = decay * gradientSquaredNorm + (1 - decay) * e.gradientSquaredNorm
        traceCovariance = decay * traceCovariance + (1 - decay) * e.traceCovariance
        updates += 1
    }

    /// The smoothed B_simple, nil before any update or while the averaged |G|² is not
    /// positive. (Bias correction of the averages would divide both by the same factor, so
    /// the ratio needs none.)
    public var value: Double? {
        guard updates > 0, gradientSquaredNorm > 0 else { return nil }
        return traceCovariance / gradientSquaredNorm
    }
}

/// The noise-scale averages of a run, whole model and per weight layer, as a checkpoint keeps
/// them so that a resumed run's smoothed estimates continue where they stood.
public struct NoiseScaleState: Codable, Sendable, Equatable {
    /// The whole model's averages.
    public var overall: NoiseScaleSmoother
    /// In weight-layer order.
    public var layers: [NoiseScaleSmoother]
}
