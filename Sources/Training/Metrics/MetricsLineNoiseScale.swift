extension MetricsLine {
    /// `diagnostics.noise_scale`: the gradient noise scale estimate of one diagnostic step.
    public struct NoiseScale: Codable, Equatable, Sendable {
        /// The keys of the object, in the order the writer emits them.
        public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
            /// Estimate of |G|².
            case gradientSquaredNorm = "gradient_squared_norm"
            /// Estimate of tr(Σ).
            case traceCovariance = "trace_covariance"
            /// This step's B_simple.
            case bSimple = "b_simple"
            /// The smoothed B_simple.
            case bSimpleEma = "b_simple_ema"
            /// The small batch size.
            case smallBatch = "small_batch"
            /// The large batch size.
            case largeBatch = "large_batch"
            /// Per weight layer, the smoothed B_simple.
            case perLayerEma = "per_layer_ema"
        }

        /// This step's estimate of |G|².
        public var gradientSquaredNorm: Double?
        /// This step's estimate of tr(Σ).
        public var traceCovariance: Double?
        /// tr(Σ)/|G|² for this step alone.
        public var bSimple: Double?
        /// The smoothed estimate; nil while the averaged |G|² is not positive.
        public var bSimpleEma: Double?
        /// The small batch size the estimate used.
        public var smallBatch: Int?
        /// The large batch size the estimate used.
        public var largeBatch: Int?
        /// Per weight layer, the smoothed estimate.
        public var perLayerEma: [String: Double?]?

        /// An estimate with the given values.
        public init(gradientSquaredNorm: Double? = nil, traceCovariance: Double? = nil, bSimple: Double? = nil,
                    bSimpleEma: Double? = nil, smallBatch: Int? = nil, largeBatch: Int? = nil,
                    perLayerEma: [String: Double?]? = nil) {
            self.gradientSquaredNorm = gradientSquaredNorm; self.traceCovariance = traceCovariance
            self.bSimple = bSimple; self.bSimpleEma = bSimpleEma
            self.smallBatch = smallBatch; self.largeBatch = largeBatch; self.perLayerEma = perLayerEma
        }
    }
}
