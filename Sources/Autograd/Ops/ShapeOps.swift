/// Reshape, permute, row slicing and row gathering.
extension Tensor {
    /// The same scalars with a new shape. One axis may be -1, inferred from the rest. Shares
    /// storage with `self`.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            var known = 1
            for (i, d) in newShape.enumerated() where i != inferred { known *= d }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        precondition(Shape.count(target) == count, "cannot reshape \(shape) to \(newShape)")
        let out = Tensor(shape: target, storage: storage)
        return out.recording("reshape", [self]) { g, _ in
            self.accumulateGradient(taking: g)
        }
    }

    /// Reorders the axes: output axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank), "bad permutation \(order) for rank \(rank)")
        let outShape = order.map { shape[$0] }
        if rank >= 2 && order[0] == 1 && order[1] == 0 && order.dropFirst(2).elementsEqual(2..<rank) {
            return swappingLeadingAxes()
        }
        let inStrides = Shape.strides(shape)
        let readStrides = order.map { inStrides[$0] }
        let out = Tensor(uninitialized: outShape)
        let po = out.pointer, pi = pointer
        Broadcasting.forEach(outShape: outShape, aStrides: readStrides, bStrides: readStrides) { o, i, _ in
            po[o] = pi[i]
        }
        return out.recording("permute", [self]) { g, _ in
            let pg = g.pointer
            self.accumulateGradient { dst, acc in
                Broadcasting.forEach(outShape: outShape, aStrides: readStrides, bStrides: readStrides) { o, i, _ in
                    dst[i] = acc ? dst[i] + pg[o] : pg[o]
                }
            }
        }
    }

    /// `permuted([1, 0, 2, …])` as runs of contiguous copies instead of one strided element at
    /// a time: how a model moves between `[N, C, L]` and the channel-major `[C, N, L]` of
    /// ``conv1d(channelMajor:weight:bias:padding:)``.
    private func swappingLeadingAxes() -> Tensor {
        let outer = shape[0], inner = shape[1], run = count / Swift.max(outer * inner, 1)
        var outShape = shape
        outShape.swapAt(0, 1)
        let out = Tensor(uninitialized: outShape)
        swapLeadingAxes(pointer, into: out.pointer, outer: outer, inner: inner, run: run)
        return out.recording("permute", [self]) { g, _ in
            self.accumulateGradient { dst, acc in
                if acc {
                    swapLeadingAxesAdding(g.pointer, into: dst, outer: inner, inner: outer, run: run)
                } else {
                    swapLeadingAxes(g.pointer, into: dst, outer: inner, inner: outer, run: run)
                }
            }
        }
    }

    /// Swaps two axes.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Shape.axis(a, rank: rank), Shape.axis(b, rank: rank))
        return permuted(order)
    }

    /// Rows `range` along axis 0. Shares storage with `self`.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0], "rows \(range) of \(shape)")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = range.count
        let view = TensorStorage(viewOf: storage, offset: range.lowerBound * rowSize, count: range.count * rowSize)
        let out = Tensor(shape: outShape, storage: view)
        let start = range.lowerBound * rowSize
        return out.recording("rows", [self]) { g, _ in
            self.accumulateGradient { dst, acc in
                if !acc { dst.update(repeating: 0, count: self.count) }
                for i in 0..<g.count { dst[start + i] += g.pointer[i] }
            }
        }
    }

    /// The rows at `indices` along axis 0, in that order (a minibatch from a dataset).
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatherRows needs rank >= 1")
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        let out = Tensor(uninitialized: outShape)
        for (r, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[0], "row index \(i) out of range 0..<\(shape[0])")
            (out.pointer + r * rowSize).update(from: pointer + i * rowSize, count: rowSize)
        }
        return out.recording("gatherRows", [self]) { g, _ in
            self.accumulateGradient { dst, acc in
                if !acc { dst.update(repeating: 0, count: self.count) }
                for (r, i) in indices.enumerated() {
                    let d = dst + i * rowSize, s = g.pointer + r * rowSize
                    for j in 0..<rowSize { d[j] += s[j] }
                }
            }
        }
    }

    /// Concatenates tensors along axis 0 (no gradient; used for data).
    public static func concatenateRows(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "nothing to concatenate")
        var outShape = parts[0].shape
        outShape[0] = parts.reduce(0) { $0 + $1.shape[0] }
        let out = Tensor(uninitialized: outShape)
        var offset = 0
        for p in parts {
            precondition(Array(p.shape.dropFirst()) == Array(outShape.dropFirst()), "row shapes differ")
            (out.pointer + offset).update(from: p.pointer, count: p.count)
            offset += p.count
        }
        return out
    }
}
