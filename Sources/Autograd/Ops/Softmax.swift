import Foundation

/// Softmax and log-softmax over the last axis.
extension Tensor {
    private var rowsAndWidth: (Int, Int) {
        precondition(rank >= 1, "softmax needs rank >= 1")
        let width = shape[rank - 1]
        return (count / Swift.max(width, 1), width)
    }

    /// exp(x) / Σ exp(x) over the last axis.
    public func softmax() -> Tensor {
        let (rows, width) = rowsAndWidth
        let out = Tensor(uninitialized: shape)
        for r in 0..<rows {
            let x = pointer + r * width, y = out.pointer + r * width
            var m = -Float.infinity
            for j in 0..<width { m = Swift.max(m, x[j]) }
            var s: Float = 0
            for j in 0..<width { y[j] = Foundation.exp(x[j] - m); s += y[j] }
            for j in 0..<width { y[j] /= s }
        }
        return out.recording("softmax", [self]) { g, y in
            // dx = y ⊙ (g − Σ g·y)
            self.accumulateGradient { dst, acc in
                for r in 0..<rows {
                    let pg = g.pointer + r * width, py = y.pointer + r * width, d = dst + r * width
                    var dot: Float = 0
                    for j in 0..<width { dot += pg[j] * py[j] }
                    for j in 0..<width {
                        let v = py[j] * (pg[j] - dot)
                        d[j] = acc ? d[j] + v : v
                    }
                }
            }
        }
    }

    /// x − log Σ exp(x) over the last axis, computed stably.
    public func logSoftmax() -> Tensor {
        let (rows, width) = rowsAndWidth
        let out = Tensor(uninitialized: shape)
        for r in 0..<rows {
            let x = pointer + r * width, y = out.pointer + r * width
            var m = -Float.infinity
            for j in 0..<width { m = Swift.max(m, x[j]) }
            var s: Float = 0
            for j in 0..<width { s += Foundation.exp(x[j] - m) }
            let lse = m + Foundation.log(s)
            for j in 0..<width { y[j] = x[j] - lse }
        }
        return out.recording("logSoftmax", [self]) { g, y in
            // dx = g − softmax · Σ g
            self.accumulateGradient { dst, acc in
                for r in 0..<rows {
                    let pg = g.pointer + r * width, py = y.pointer + r * width, d = dst + r * width
                    var total: Float = 0
                    for j in 0..<width { total += pg[j] }
                    for j in 0..<width {
                        let v = pg[j] - Foundation.exp(py[j]) * total
                        d[j] = acc ? d[j] + v : v
                    }
                }
            }
        }
    }
}
