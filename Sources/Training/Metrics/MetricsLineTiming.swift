extension MetricsLine {
    /// A step's `timing` object: per phase, mean and slowest-rank milliseconds.
    public struct Timing: Codable, Equatable, Sendable {
        /// The phases, in the order the writer emits them (also `PhaseTimings.names`).
        public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
            /// Forward pass.
            case forward
            /// Backward pass.
            case backward
            /// Time the compute thread waited for the allreduce.
            case gradientSync = "gradient_sync"
            /// Optimizer step.
            case optimizer
        }

        /// Forward pass.
        public var forward: Phase?
        /// Backward pass.
        public var backward: Phase?
        /// Waiting for gradient synchronization.
        public var gradientSync: Phase?
        /// Optimizer step.
        public var optimizer: Phase?

        /// Timing with the given phases.
        public init(forward: Phase? = nil, backward: Phase? = nil, gradientSync: Phase? = nil, optimizer: Phase? = nil) {
            self.forward = forward; self.backward = backward; self.gradientSync = gradientSync; self.optimizer = optimizer
        }

        /// The phase under `key`.
        public subscript(key: CodingKeys) -> Phase? {
            switch key {
            case .forward: forward
            case .backward: backward
            case .gradientSync: gradientSync
            case .optimizer: optimizer
            }
        }
    }
}
