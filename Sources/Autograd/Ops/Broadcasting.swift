/// Strided iteration for broadcast binary ops, and the reduction that sends a broadcast
/// gradient back to its operand's shape.
enum Broadcasting {
    /// Calls `body(outIndex, aIndex, bIndex)` for every element of `outShape`, where a and b are
    /// read through broadcast strides.
    @inline(__always)
    static func forEach(outShape: [Int], aStrides: [Int], bStrides: [Int],
                        _ body: (Int, Int, Int) -> Void) {
        let rank = outShape.count
        let total = Shape.count(outShape)
        if rank == 0 { body(0, 0, 0); return }
        var index = [Int](repeating: 0, count: rank)
        var ia = 0, ib = 0
        let inner = outShape[rank - 1], sa = aStrides[rank - 1], sb = bStrides[rank - 1]
        var o = 0
        while o < total {
            var a = ia, b = ib
            for _ in 0..<inner {
                body(o, a, b)
                o += 1; a += sa; b += sb
            }
            // Advance the outer index, odometer style.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                ia += aStrides[axis]; ib += bStrides[axis]
                if index[axis] < outShape[axis] { break }
                ia -= aStrides[axis] * outShape[axis]
                ib -= bStrides[axis] * outShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Sums `grad` (of `fromShape`) down to `toShape`, which broadcasts to `fromShape`.
    static func sumToShape(_ grad: UnsafePointer<Float>, fromShape: [Int], toShape: [Int],
                           into dst: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let n = Shape.count(toShape)
        if !accumulate { dst.update(repeating: 0, count: n) }
        let strides = Shape.broadcastStrides(toShape, to: fromShape)
        forEach(outShape: fromShape, aStrides: strides, bStrides: strides) { o, a, _ in
            dst[a] += grad[o]
        }
    }
}
