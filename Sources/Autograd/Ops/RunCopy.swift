/// Short contiguous copies and adds, four lanes at a time, for the layout changes around the
/// convolution's matrix products.
///
/// Those move runs as short as a sequence (10 scalars in the seed's ResNet). A plain loop per
/// run spends more on its trip-count, remainder and aliasing checks than on the copy, about 30
/// cycles a run. Here a copy of n ≥ 4 scalars is whole 4-lane vectors plus one more vector that
/// ends exactly at n: it overlaps the one before and rewrites the same values, so there is no
/// scalar tail and nothing outside the run is read or written. (Four lanes because that is what
/// the baseline x86-64 target has; wider vectors would be split into these anyway.)
enum RunCopy {
    typealias Vector = SIMD4<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// dst[t] = src[t] for t in 0..<count.
    @inline(__always)
    static func copy(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 4 {
            var t = 0
            while t + 4 < count {
                store(load(src + t), dst + t)
                t += 4
            }
            store(load(src + count - 4), dst + count - 4)
        } else {
            for t in 0..<count { dst[t] = src[t] }
        }
    }

    /// dst[t] = src[t] + offset for t in 0..<count.
    @inline(__always)
    static func copy(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int,
                     adding offset: Float) {
        if count >= 4 {
            var t = 0
            while t + 4 < count {
                store(load(src + t) + offset, dst + t)
                t += 4
            }
            store(load(src + count - 4) + offset, dst + count - 4)
        } else {
            for t in 0..<count { dst[t] = src[t] + offset }
        }
    }

    /// dst[t] += src[t] for t in 0..<count. (No overlapping last vector here: it would add twice.)
    @inline(__always)
    static func add(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        var t = 0
        while t + 4 <= count {
            store(load(dst + t) + load(src + t), dst + t)
            t += 4
        }
        while t < count {
            dst[t] += src[t]
            t += 1
        }
    }

    /// dst[t] = src[t] for t in `valid`, 0 for the other t in 0..<count. `src` may point
    /// outside its buffer; only `src[valid]` is read.
    @inline(__always)
    static func shiftedCopy(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int,
                            valid: Range<Int>) {
        for t in 0..<valid.lowerBound { dst[t] = 0 }
        copy(from: src + valid.lowerBound, to: dst + valid.lowerBound, count: valid.count)
        for t in valid.upperBound..<count { dst[t] = 0 }
    }
}
