import Training
/// What one sweep point produced, or why it failed. Written as the point's `done.json` (or
/// `failed.json`) and read back when a sweep resumes; one row of `summary.csv`.
///
/// Every number is finite or absent: a diverged loss is recorded as nil, not NaN.
public struct PointOutcome: Codable, Sendable {
    /// Whether the point's run exited successfully.
    public enum Status: String, Codable, Sendable {
        /// The run exited 0 and its metrics were read (`done.json`).
        case ok
        /// The run could not start, exited non-zero or left unreadable metrics (`failed.json`).
        case failed
    }

    /// The point's name, also its subdirectory in the sweep directory.
    public var name: String
    /// The point's grid values, in grid order.
    public var assignments: [SweepPoint.Assignment]
    /// The MPI processes the point ran on.
    public var ranks: Int
    /// Whether the point finished or failed.
    public var status: Status
    /// The point's launch, for deciding on resume whether a finished point is still current.
    public var fingerprint: String
    /// Wall-clock seconds the point's process ran.
    public var seconds: Double

    /// The learning rate before any `lrScaling` (the grid's or the base's value).
    public var givenLearningRate: Double
    /// What the run reported; nil for a failure.
    public var metrics: RunMetrics?

    /// For a failure: the exit status (nil when the process could not start or was killed by a signal).
    public var exitCode: Int32?
    /// For a failure: what went wrong, with the last lines the process wrote to standard error.
    public var error: String?

    /// An outcome from its parts.
    public init(name: String, assignments: [SweepPoint.Assignment], ranks: Int, status: Status, fingerprint: String,
                seconds: Double, givenLearningRate: Double, metrics: RunMetrics? = nil, exitCode: Int32? = nil,
                error: String? = nil) {
        self.name = name; self.assignments = assignments; self.ranks = ranks; self.status = status
        self.fingerprint = fingerprint; self.seconds = seconds; self.givenLearningRate = givenLearningRate
        self.metrics = metrics; self.exitCode = exitCode; self.error = error
    }

    /// The value of grid dimension `name` at this point.
    public func value(of name: String) -> SweepValue? {
        assignments.first { $0.name == name }?.value
    }
}
