extension MetricsLine {
    /// A step's `diagnostics` object (`--diagnostics-every`), fully typed.
    public struct Diagnostics: Codable, Equatable, Sendable {
        /// The keys of the diagnostics object, in the order the writer emits them.
        public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
            /// Per weight layer, the local (pre-averaging) gradient norm's mean and spread over ranks.
            case localGradNorms = "local_grad_norms"
            /// Per weight layer, ‖Δw‖/‖w‖.
            case updateRatios = "update_ratios"
            /// Per activation module, output statistics.
            case activations
            /// The gradient noise scale.
            case noiseScale = "noise_scale"
            /// Why there is no noise scale (first diagnostic step only).
            case noiseScaleUnavailable = "noise_scale_unavailable"
        }

        /// Per weight layer, the local gradient norm reduced across ranks.
        public var localGradNorms: [String: LayerSpread]?
        /// Per weight layer, ‖Δw‖/‖w‖ (nil where ‖w‖ = 0).
        public var updateRatios: [String: Double?]?
        /// Per activation module.
        public var activations: [String: Activation]?
        /// Absent when it cannot be estimated.
        public var noiseScale: NoiseScale?
        /// Why `noiseScale` is absent.
        public var noiseScaleUnavailable: String?

        /// Diagnostics with the given parts.
        public init(localGradNorms: [String: LayerSpread]? = nil, updateRatios: [String: Double?]? = nil,
                    activations: [String: Activation]? = nil, noiseScale: NoiseScale? = nil,
                    noiseScaleUnavailable: String? = nil) {
            self.localGradNorms = localGradNorms; self.updateRatios = updateRatios; self.activations = activations
            self.noiseScale = noiseScale; self.noiseScaleUnavailable = noiseScaleUnavailable
        }
    }
}
