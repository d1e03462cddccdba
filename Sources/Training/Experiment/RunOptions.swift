/// What a single invocation asks for beyond the training configuration itself.
public struct RunOptions: Sendable {
    /// Start from these weights (safetensors) instead of a fresh initialization.
    public var initFrom: String?
    /// Write the final weights here (safetensors).
    public var save: String?
    /// No progress and no start-up lines; results and warnings still print.
    public var quiet = false
    /// Print the summary table at the end.
    public var printSummary = true
    /// Compare parameter checksums across ranks every this many steps (0: never).
    public var checkReplicasEvery = 0

    public init(initFrom: String? = nil, save: String? = nil, quiet: Bool = false) {
        self.initFrom = initFrom
        self.save = save
        self.quiet = quiet
    }
}
