import Foundation

/// Loss functions, fused so that each is one op with a closed-form backward.

/// Mean squared error, mean over all elements (PyTorch's `MSELoss()`).
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    precondition(prediction.count == target.count, "mseLoss: prediction \(prediction.shape) vs target \(target.shape)")
    let n = prediction.count
    let pp = prediction.pointer, pt = target.pointer
    var acc = 0.0
    for i in 0..<n { let d = Double(pp[i] - pt[i]); acc += d * d }
    let out = Tensor(scalar: Float(acc / Double(max(n, 1))))
    return out.recording("mseLoss", [prediction, target]) { g, _ in
        let scale = 2 * g.pointer[0] / Float(max(n, 1))
        prediction.accumulateGradient { dst, accumulate in
            if accumulate { VectorMath.map3(pp, pt, dst, dst, n) { ($0 - $1) * scale + $2 } }
            else { VectorMath.map2(pp, pt, dst, n) { ($0 - $1) * scale } }
        }
        target.accumulateGradient { dst, accumulate in
            if accumulate { VectorMath.map3(pp, pt, dst, dst, n) { ($1 - $0) * scale + $2 } }
            else { VectorMath.map2(pp, pt, dst, n) { ($1 - $0) * scale } }
        }
    }
}

/// Cross-entropy from logits [N, C] and class indices, mean over the batch (PyTorch's
/// `CrossEntropyLoss()`).
public func crossEntropyLoss(_ logits: Tensor, labels: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                 "crossEntropyLoss: logits \(logits.shape) for \(labels.count) labels")
    let n = logits.shape[0], c = logits.shape[1]
    let probabilities = TensorStorage(uninitializedCount: n * c)
    var total = 0.0
    for r in 0..<n {
        let x = logits.pointer + r * c, p = probabilities.base + r * c
        precondition(labels[r] >= 0 && labels[r] < c, "label \(labels[r]) out of range 0..<\(c)")
        var m = -Float.infinity
        for j in 0..<c { m = max(m, x[j]) }
        var s: Float = 0
        for j in 0..<c { p[j] = Foundation.exp(x[j] - m); s += p[j] }
        for j in 0..<c { p[j] /= s }
        total += Double(m + Foundation.log(s) - x[labels[r]])
    }
    let out = Tensor(scalar: Float(total / Double(max(n, 1))))
    return out.recording("crossEntropyLoss", [logits]) { g, _ in
        let scale = g.pointer[0] / Float(max(n, 1))
        logits.accumulateGradient { dst, acc in
            for r in 0..<n {
                let p = probabilities.base + r * c, d = dst + r * c
                for j in 0..<c {
                    let v = (p[j] - (j == labels[r] ? 1 : 0)) * scale
                    d[j] = acc ? d[j] + v : v
                }
            }
        }
    }
}

/// Binary cross-entropy from logits and targets in [0, 1], mean over all elements (PyTorch's
/// `BCEWithLogitsLoss()`), computed as max(x, 0) − x·t + log(1 + e^−|x|) to stay finite.
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    precondition(logits.count == targets.count, "bce: logits \(logits.shape) vs targets \(targets.shape)")
    let n = logits.count
    let px = logits.pointer, pt = targets.pointer
    var total = 0.0
    for i in 0..<n {
        let x = px[i], t = pt[i]
        total += Double(max(x, 0) - x * t + Foundation.log1p(Foundation.exp(-abs(x))))
    }
    let out = Tensor(scalar: Float(total / Double(max(n, 1))))
    return out.recording("bceWithLogits", [logits, targets]) { g, _ in
        let scale = g.pointer[0] / Float(max(n, 1))
        logits.accumulateGradient { dst, acc in
            for i in 0..<n {
                let v = (1 / (1 + Foundation.exp(-px[i])) - pt[i]) * scale
                dst[i] = acc ? dst[i] + v : v
            }
        }
        targets.accumulateGradient { dst, acc in
            for i in 0..<n {
                let v = -px[i] * scale
                dst[i] = acc ? dst[i] + v : v
            }
        }
    }
}
