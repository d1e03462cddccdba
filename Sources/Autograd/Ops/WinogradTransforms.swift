/// The transforms of Winograd's minimal filtering algorithm F(2,3): two outputs of a 3-tap
/// correlation, y[j] = Σ_k g[k]·d[j + k], from four products instead of six:
///
///     y = Aᵀ[(G·g) ⊙ (Bᵀ·d)]     d: 4 inputs, g: 3 taps, y: 2 outputs
///
///     Bᵀ = | 1  0 −1  0 |    G = |  1    0    0  |    Aᵀ = | 1  1  1  0 |
///          | 0  1  1  0 |        | 1/2  1/2  1/2 |         | 0  1 −1 −1 |
///          | 0 −1  1  0 |        | 1/2 −1/2  1/2 |
///          | 0  1  0 −1 |        |  0    0    1  |
///
/// Over channels the products become four matrix products, one per transform point ξ, each
/// with 2/3 of the columns of the im2col product: that is the whole saving (4 products where
/// im2col has 6 per pair of outputs). The transforms are the linear maps around them; their
/// only constants are 1 and 1/2, exact in Float, so each transformed value carries at most one
/// or two roundings more than im2col's products, and the results agree with im2col's to a few
/// ulp of the terms' magnitude (see `WinogradConvolutionTests`).
///
/// Layouts: the transforms work on a chunk of samples of channel-major data. Channel c's part
/// of the source is `rows` runs (samples) of `length` scalars from `src + c·channelStride`;
/// tile t of a run covers outputs 2t and 2t + 1 and reads the window starting at 2t + offset.
/// The transformed chunk is 4 blocks, one per ξ, each a `[channels, rows·tiles]` matrix (tile
/// q of channel c at `c·rows·tiles + q`), which is what the products take.
///
/// The loops go four tiles at a time in `SIMD4` vectors (what the baseline x86-64 target has):
/// the tiles' windows and outputs interleave at stride 2, which the compiler does not
/// vectorize by itself, so the loops split and merge even and odd lanes explicitly.
enum Winograd23 {
    /// The number of tiles that cover `length` outputs.
    static func tiles(covering length: Int) -> Int { (length + 1) / 2 }

    @inline(__always)
    static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// (a₀, b₀, a₁, b₁, …): the two outputs of four tiles in memory order.
    @inline(__always)
    static func interleave(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD8<Float> {
        SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }

    // MARK: Weights

    /// U_ξ[o, c] = Σ_k G[ξ, k]·W[o, c, k]: weight [O, C, 3] to 4 blocks of [O, C].
    static func transformWeight(_ w: UnsafePointer<Float>, count: Int, into u: UnsafeMutablePointer<Float>) {
        var i = 0
        // Four weights' taps at a time: three loads, split into the taps by shuffles (the
        // compiler leaves the stride-3 loads scalar otherwise).
        while i + 4 <= count {
            let a = load4(w + 3 * i), b = load4(w + 3 * i + 4), c = load4(w + 3 * i + 8)
            let g0 = SIMD4(a[0], a[3], b[2], c[1]), g1 = SIMD4(a[1], b[0], b[3], c[2])
            let g2 = SIMD4(a[2], b[1], c[0], c[3])
            let outer = 0.5 * (g0 + g2)
            store(g0, u + i)
            store(outer + 0.5 * g1, u + count + i)
            store(outer - 0.5 * g1, u + 2 * count + i)
            store(g2, u + 3 * count + i)
            i += 4
        }
        for i in i..<count {
            let g0 = w[3 * i], g1 = w[3 * i + 1], g2 = w[3 * i + 2]
            let outer = 0.5 * (g0 + g2)
            u[i] = g0
            u[count + i] = outer + 0.5 * g1
            u[2 * count + i] = outer - 0.5 * g1
            u[3 * count + i] = g2
        }
    }

    // MARK: Outputs

    /// y = Aᵀ·M per tile: y[2t] = M₀ + M₁ + M₂, y[2t + 1] = M₁ − M₂ − M₃, plus `bias[c]` when
    /// given, written (or with `accumulate`, added) into channel c's `rows` runs of `length`
    /// at `y + c·channelStride`; a last tile that sticks out of an odd length keeps only its
    /// first output.
    ///
    /// A fused epilogue for a residual block: `residual` (laid out like y) is added, and with
    /// `relu` the result goes through max(·, 0) (NaN stays NaN, as in `Tensor.relu()`), while
    /// the values are still in registers rather than in two more passes over memory.
    static func transformOutput(_ m: UnsafePointer<Float>, channels: Int, rows: Int, length: Int, tiles: Int,
                                bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil, relu: Bool = false,
                                into y: UnsafeMutablePointer<Float>, channelStride: Int, accumulate: Bool) {
        let count = rows * tiles, stride = channels * count
        for c in 0..<channels {
            let m0 = m + c * count, m1 = m0 + stride, m2 = m1 + stride, m3 = m2 + stride
            let out = y + c * channelStride, b = bias?[c] ?? 0, add = residual.map { $0 + c * channelStride }
            guard length == 2 * tiles else {
                outputRows(m0, m1, m2, m3, rows: rows, length: length, tiles: tiles, bias: b, residual: add, relu: relu,
                           into: out, accumulate: accumulate)
                continue
            }
            // Whole runs of tiles: tile q's outputs are out[2q], out[2q + 1] whatever its row.
            var q = 0
            while q + 4 <= count {
                let n1 = load4(m1 + q), n2 = load4(m2 + q)
                var pair = interleave(load4(m0 + q) + n1 + n2 + b, n1 - n2 - load4(m3 + q) + b)
                if let add { pair += load8(add + 2 * q) }
                if relu { pair.replace(with: 0, where: pair .< 0) }
                if accumulate { pair += load8(out + 2 * q) }
                store(pair, out + 2 * q)
                q += 4
            }
            while q < count {
                for (i, value) in [m0[q] + m1[q] + m2[q] + b, m1[q] - m2[q] - m3[q] + b].enumerated() {
                    let z = value + (add?[2 * q + i] ?? 0), v = relu && z < 0 ? 0 : z
                    out[2 * q + i] = accumulate ? out[2 * q + i] + v : v
                }
                q += 1
            }
        }
    }

    /// ``transformOutput(_:channels:rows:length:tiles:bias:residual:relu:into:channelStride:accumulate:)``
    /// for one channel, run by run, for odd lengths.
    private static func outputRows(_ m0: UnsafePointer<Float>, _ m1: UnsafePointer<Float>, _ m2: UnsafePointer<Float>,
                                   _ m3: UnsafePointer<Float>, rows: Int, length: Int, tiles: Int, bias: Float,
                                   residual: UnsafePointer<Float>?, relu: Bool, into y: UnsafeMutablePointer<Float>,
                                   accumulate: Bool) {
        for r in 0..<rows {
            for t in 0..<tiles {
                let q = r * tiles + t
                for (i, value) in [m0[q] + m1[q] + m2[q] + bias, m1[q] - m2[q] - m3[q] + bias].enumerated() {
                    let at = r * length + 2 * t + i
                    guard 2 * t + i < length else { continue }
                    let z = value + (residual?[at] ?? 0), v = relu && z < 0 ? 0 : z
                    y[at] = accumulate ? y[at] + v : v
                }
            }
        }
    }
}
