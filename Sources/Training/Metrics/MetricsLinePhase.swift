extension MetricsLine {
    /// One phase of a step's `timing`, in milliseconds.
    public struct Phase: Codable, Equatable, Sendable {
        /// The keys of a phase object.
        public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
            /// Mean over ranks.
            case meanMs = "mean_ms"
            /// The slowest rank.
            case maxMs = "max_ms"
        }

        /// Mean over ranks.
        public var meanMs: Double?
        /// The slowest rank.
        public var maxMs: Double?

        /// A phase with the given times.
        public init(meanMs: Double?, maxMs: Double?) {
            self.meanMs = meanMs; self.maxMs = maxMs
        }
    }
}
