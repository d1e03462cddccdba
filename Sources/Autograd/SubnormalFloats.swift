import CKernels

/// How this process treats subnormal floats (magnitudes below 2⁻¹²⁶).
///
/// IEEE arithmetic keeps them, and on x86 each operation that meets one costs a hundred cycles
/// or more. They appear where values decay geometrically toward zero: Adam's first moment of a
/// parameter whose gradient stays zero (a dead ReLU unit) shrinks by β₁ each step and spends
/// some 150 steps among them. PyTorch keeps them too unless `torch.set_flush_denormal(True)`.
public enum SubnormalFloats {
    /// Flushes subnormal inputs and results to zero (`enable`) or restores IEEE behaviour, for
    /// the calling thread and the threads it starts afterwards. Returns whether flushing was on.
    /// Call it before OpenBLAS or any other thread starts, so that every thread agrees.
    @discardableResult
    public static func flushToZero(_ enable: Bool) -> Bool {
        ck_flush_subnormals(enable ? 1 : 0) != 0
    }
}
