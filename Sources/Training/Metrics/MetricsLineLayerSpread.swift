extension MetricsLine {
    /// One layer of `diagnostics.local_grad_norms`: the ranks' local gradient norms.
    public struct LayerSpread: Codable, Equatable, Sendable {
        /// The keys of the object.
        public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
            /// Mean over ranks.
            case mean
            /// Population standard deviation over ranks.
            case spread
        }

        /// Mean over ranks.
        public var mean: Double?
        /// Standard deviation over ranks.
        public var spread: Double?

        /// A layer's mean and spread.
        public init(mean: Double?, spread: Double?) {
            self.mean = mean; self.spread = spread
        }
    }
}
