import CKernels

/// Vectorized transcendental functions for the activation kernels.
///
/// The C library's `expf` is a scalar call per element; on the seed's sigmoid MLP that alone
/// would cost more than the matrix products. This is the classic Cephes range reduction
/// (x = n·ln2 + r, |r| ≤ ln2/2) with a degree-6 polynomial, accurate to about 2 ulp in
/// [-87, 88], written on SIMD8 so the compiler emits vector instructions.
public enum VectorMath {
    /// Eight floats, the width the kernels process at a time (one AVX2 register).
    public typealias Vector = SIMD8<Float>

    /// eˣ lane by lane, within about 2 ulp; inputs are clamped to [-87.3, 88.3] first.
    @inlinable @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        // Clamped by compare-and-blend: `clamped(lowerBound:upperBound:)` calls the standard
        // library's generic pointwiseMin/Max out of line, twice per vector.
        let low = Vector(repeating: -87.3), high = Vector(repeating: 88.3)
        var clamped = x.replacing(with: low, where: x .< low)
        clamped = clamped.replacing(with: high, where: clamped .> high)
        // n = round(x / ln2), by the 1.5·2²³ trick: adding it leaves the rounded integer in the
        // low mantissa bits, which avoids the generic (scalarized) SIMD float-to-int conversion.
        let magic = Vector(repeating: 12_582_912)
        let shifted = clamped * 1.442_695_04 + magic
        let fx = shifted - magic
        let r = clamped - fx * 0.693_359_375 + fx * 2.121_944_4e-4
        var y: Vector = Vector(repeating: 1.987_569_15e-4)
        y = y * r + 1.398_199_95e-3
        y = y * r + 8.333_451_9e-3
        y = y * r + 4.166_579_6e-2
        y = y * r + 1.666_666_55e-1
        y = y * r + 5.000_000_1e-1
        y = y * (r * r) + r + 1
        // Scale by 2^n through the exponent bits: n sits in the low bits of `shifted`.
        let bits = unsafeBitCast(shifted, to: SIMD8<UInt32>.self)
        let exponent = (bits &- 0x4B40_0000 &+ 127) &<< 23
        let scale = unsafeBitCast(exponent, to: Vector.self)
        // NaN needs no case of its own: the compares above leave it in place, and NaN times
        // any scale is NaN (sigmoid(NaN) must not come out a quiet 1, or a diverged run would
        // look finite).
        return y * scale
    }

    /// 1 / (1 + e^−x), NaN for NaN.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Vector) -> Vector {
        1 / (1 + exp(-x))
    }

    /// Scalar exp with the same accuracy as the vector one, for loop tails.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        exp(Vector(repeating: x))[0]
    }

    /// Applies `vector` to `count` scalars from `src` into `dst` (which may alias), eight at a
    /// time, with `scalar` for the tail.
    @inlinable @inline(__always)
    public static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                           _ vector: (Vector) -> Vector) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: vector(v), as: Vector.self)
            i += 8
        }
        if i < count {
            var v = Vector(repeating: 0)
            for j in 0..<(count - i) { v[j] = src[i + j] }
            let r = vector(v)
            for j in 0..<(count - i) { dst[i + j] = r[j] }
        }
    }

    /// Like `map`, over two inputs.
    @inlinable @inline(__always)
    public static func map2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                            _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                            _ vector: (Vector, Vector) -> Vector) {
        var i = 0
        while i + 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: vector(va, vb), as: Vector.self)
            i += 8
        }
        if i < count {
            var va = Vector(repeating: 0), vb = Vector(repeating: 0)
            for j in 0..<(count - i) { va[j] = a[i + j]; vb[j] = b[i + j] }
            let r = vector(va, vb)
            for j in 0..<(count - i) { dst[i + j] = r[j] }
        }
    }

    /// Like `map2`, over three inputs.
    @inlinable @inline(__always)
    public static func map3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                            _ dst: UnsafeMutablePointer<Float>, _ count: Int,
                            _ vector: (Vector, Vector, Vector) -> Vector) {
        var i = 0
        while i + 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: Vector.self)
            let vc = UnsafeRawPointer(c + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: vector(va, vb, vc), as: Vector.self)
            i += 8
        }
        if i < count {
            var va = Vector(repeating: 0), vb = Vector(repeating: 0), vc = Vector(repeating: 0)
            for j in 0..<(count - i) { va[j] = a[i + j]; vb[j] = b[i + j]; vc[j] = c[i + j] }
            let r = vector(va, vb, vc)
            for j in 0..<(count - i) { dst[i + j] = r[j] }
        }
    }

    /// Sum of `count` scalars, accumulated in Double so that large reductions stay exact enough
    /// to compare across world sizes.
    @inlinable
    public static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        var acc = SIMD4<Double>(repeating: 0)
        var i = 0
        while i + 4 <= count {
            acc += SIMD4<Double>(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3]))
            i += 4
        }
        var s = acc.sum()
        while i < count { s += Double(p[i]); i += 1 }
        return s
    }

    /// Sum of squares, in Double (`ck_sum_of_squares`: AVX-512 or AVX2 where the CPU has them,
    /// the same bits everywhere). NaN or infinite exactly when some element is.
    public static func sumOfSquares(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        ck_sum_of_squares(p, count)
    }
}
