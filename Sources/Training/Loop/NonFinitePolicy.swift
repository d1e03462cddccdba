import Autograd

public enum NonFinitePolicy: String, Sendable, CaseIterable {
    /// End the run with a message naming the step and the layers; earlier checkpoints stay intact.
    case stop
    /// Drop the step on every rank (no update) and count it.
    case skip
}

/// A step produced non-finite values under `--on-nonfinite stop`.
public struct NonFiniteError: Error, CustomStringConvertible {
    public let description: String
}

/// The run stopped at a step boundary because of a pre-emption signal, after checkpointing.
public struct Preempted: Error, CustomStringConvertible {
    public let step: Int
    public let signal: String
    public let checkpoint: String?
    public var description: String {
        "received \(signal): stopped cleanly after step \(step)"
            + (checkpoint.map { "; checkpoint written to \($0) (resume with --resume latest)" } ?? " (no --checkpoint-dir, so no checkpoint was written)")
    }
}
