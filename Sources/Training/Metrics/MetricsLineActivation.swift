extension MetricsLine {
    /// One module of `diagnostics.activations`.
    public struct Activation: Codable, Equatable, Sendable {
        /// The keys of the object, in the order the writer emits them.
        public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
            /// Mean of the outputs.
            case mean
            /// Standard deviation of the outputs.
            case std
            /// Sigmoid/tanh only.
            case saturatedFraction = "saturated_fraction"
            /// ReLU-like only.
            case deadFraction = "dead_fraction"
        }

        /// Mean of the module's outputs.
        public var mean: Double?
        /// Standard deviation of the module's outputs.
        public var std: Double?
        /// Fraction of saturated outputs (sigmoid and tanh; else nil).
        public var saturatedFraction: Double?
        /// Fraction of units dead for the whole batch (ReLU-like; else nil).
        public var deadFraction: Double?

        /// A module's statistics.
        public init(mean: Double?, std: Double?, saturatedFraction: Double?, deadFraction: Double?) {
            self.mean = mean; self.std = std; self.saturatedFraction = saturatedFraction; self.deadFraction = deadFraction
        }
    }
}
