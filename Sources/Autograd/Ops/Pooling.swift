/// Pooling over the length of sequences.
extension Tensor {
    /// The mean over the last axis of `[A, B, L]`, giving `[A, B]`: PyTorch's
    /// `AdaptiveAvgPool1d(1)` followed by flattening, for `[N, C, L]` activations (and, with
    /// the first two axes swapped, for channel-major `[C, N, L]` ones).
    ///
    /// One pass with a running sum per row, rather than `mean(axes: [2])`, whose broadcasting
    /// index walk costs a division per element in forward and in backward.
    public func averagePooledOverLength() -> Tensor {
        precondition(rank == 3, "averagePooledOverLength needs [N, C, L], got \(shape)")
        let rows = shape[0] * shape[1], length = shape[2]
        precondition(length >= 1, "averagePooledOverLength needs a length of at least 1")
        let out = Tensor(uninitialized: [shape[0], shape[1]])
        let scale = 1 / Float(length)
        let pi = pointer, po = out.pointer
        for r in 0..<rows {
            let row = pi + r * length
            var s: Float = 0
            for j in 0..<length { s += row[j] }
            po[r] = s * scale
        }
        return out.recording("averagePooledOverLength", [self]) { g, _ in
            // Each position receives its row's gradient divided by the length.
            let pg = g.pointer
            self.accumulateGradient { dst, acc in
                for r in 0..<rows {
                    let v = pg[r] * scale, d = dst + r * length
                    if acc {
                        for j in 0..<length { d[j] += v }
                    } else {
                        d.update(repeating: v, count: length)
                    }
                }
            }
        }
    }
}
