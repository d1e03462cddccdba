import Autograd

/// Finds NaN and infinity in losses and gradients cheaply: x·0 is 0 for every finite x and
/// NaN otherwise, so one vectorized pass per gradient answers "any non-finite?".
enum NonFiniteCheck {
    static func isFinite(_ t: Tensor) -> Bool {
        var acc = VectorMath.Vector(repeating: 0)
        let p = t.pointer
        var i = 0
        while i + 8 <= t.count {
            acc += UnsafeRawPointer(p + i).loadUnaligned(as: VectorMath.Vector.self) * 0
            i += 8
        }
        var tail: Float = 0
        while i < t.count { tail += p[i] * 0; i += 1 }
        return (acc.sum() + tail) == 0
    }

    /// Names of the parameters whose gradient holds a non-finite value.
    static func nonFiniteGradients(_ parameters: [(name: String, tensor: Tensor)]) -> [String] {
        parameters.compactMap { p in
            guard let g = p.tensor.grad else { return nil }
            return isFinite(g) ? nil : p.name
        }
    }
}

/// What the run does when a loss or gradient is NaN or infinite.
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
