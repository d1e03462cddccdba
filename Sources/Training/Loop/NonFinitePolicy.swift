import Autograd

/// What a step does when its loss or a gradient is NaN or infinite (`--on-nonfinite`).
public enum NonFinitePolicy: String, Sendable, CaseIterable {
    /// End the run with a message naming the step and the layers; earlier checkpoints stay intact.
    case stop
    /// Drop the step on every rank (no update) and count it.
    case skip
}

/// A step produced non-finite values under `--on-nonfinite stop`.
public struct NonFiniteError: Error, CustomStringConvertible {
    /// The step and the layers with non-finite values, and what to try.
    public let description: String
}

/// The run stopped at a step boundary because of a pre-emption signal, after checkpointing.
public struct Preempted: Error, CustomStringConvertible {
    /// The last step completed.
    public let step: Int
    /// The signal's name, e.g. `SIGTERM`.
    public let signal: String
    /// The checkpoint written before stopping; nil without `--checkpoint-dir`.
    public let checkpoint: String?
    /// What happened and how to resume.
    public var description: String {
        "received \(signal): stopped cleanly after step \(step)"
            + (checkpoint.map { "; checkpoint written to \($0) (resume with --resume latest)" } ?? " (no --checkpoint-dir, so no checkpoint was written)")
    }
}
