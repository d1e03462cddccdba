/// Sums and means over axes.
extension Tensor {
    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        let out = Tensor(scalar: Float(VectorMath.sum(pointer, count)))
        return out.recording("sum", [self]) { g, _ in
            let v = g.pointer[0]
            self.accumulateGradient { dst, acc in
                if acc { VectorMath.map(dst, dst, self.count) { $0 + v } }
                else { dst.update(repeating: v, count: self.count) }
            }
        }
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sums over `axes`. With `keepDims`, reduced axes stay with size 1.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let normalized = Set(axes.map { Shape.axis($0, rank: rank) })
        var kept = shape
        for a in normalized { kept[a] = 1 }
        let out = Tensor.zeros(kept)
        let po = out.pointer, pi = pointer
        let strides = Shape.broadcastStrides(kept, to: shape)
        Broadcasting.forEach(outShape: shape, aStrides: strides, bStrides: strides) { i, o, _ in
            po[o] += pi[i]
        }
        let keptShape = kept
        let inputShape = shape
        let result = keepDims ? out : Tensor(shape: kept.enumerated().filter { !normalized.contains($0.offset) }.map(\.element),
                                             storage: out.storage)
        return result.recording("sum(axes)", [self]) { g, _ in
            // Broadcast the reduced gradient back over the summed axes.
            let gs = Shape.broadcastStrides(keptShape, to: inputShape)
            let pg = g.pointer
            self.accumulateGradient { dst, acc in
                Broadcasting.forEach(outShape: inputShape, aStrides: gs, bStrides: gs) { i, o, _ in
                    dst[i] = acc ? dst[i] + pg[o] : pg[o]
                }
            }
        }
    }

    /// Means over `axes`. With `keepDims`, reduced axes stay with size 1.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        var n = 1
        for a in Set(axes.map { Shape.axis($0, rank: rank) }) { n *= shape[a] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }
}
