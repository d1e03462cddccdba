import Autograd

/// Eight scalars at a time for the optimizers' update loops, with a partial vector for the
/// tail, so an update rule is written once, on vectors.
///
/// The scalar loops vectorized poorly (four separate state arrays that might alias, a square
/// root and a division per element): Adam's update was about as slow as a small layer's
/// matrix product. Lane arithmetic is IEEE per element, as the scalar code was, so results
/// do not change.
enum Lanes {
    typealias Vector = SIMD8<Float>

    /// Calls `body(offset, count)` for each chunk of at most 8 of `count` elements.
    @inline(__always)
    static func forEachChunk(_ count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
        var i = 0
        while i < count {
            body(i, Swift.min(8, count - i))
            i += 8
        }
    }

    /// The `lanes` scalars at `p + offset`, zero-padded to a vector.
    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ offset: Int, _ lanes: Int) -> Vector {
        if lanes == 8 { return UnsafeRawPointer(p + offset).loadUnaligned(as: Vector.self) }
        var v = Vector()
        for j in 0..<lanes { v[j] = p[offset + j] }
        return v
    }

    /// Stores the first `lanes` scalars of `v` at `p + offset`.
    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ offset: Int, _ lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(p + offset).storeBytes(of: v, as: Vector.self)
            return
        }
        for j in 0..<lanes { p[offset + j] = v[j] }
    }
}
