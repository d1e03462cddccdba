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
/// Layouts: a source is `rows` runs of `length` scalars ([C, N, L] channel-major: rows = C·N);
/// tile t of a run covers outputs 2t and 2t + 1 and reads the window starting at 2t + offset.
/// A transformed tensor is 4 blocks, one per ξ, of `rows·tiles` scalars, tile-major within a
/// row, so that block ξ is a `[channels, N·tiles]` matrix ready for the product.
///
/// When a run is exactly `2·tiles` long, tile q of the flattened source starts at 2q + offset
/// whatever its row, and each transform is one loop over all tiles (which the compiler
/// vectorizes); the few tiles whose window leaves its row are then redone with zeros outside.
/// That covers every 3-tap convolution with padding 1 on an even length, the seed's case.
/// Other lengths go row by row.
enum Winograd23 {
    /// The number of tiles that cover `length` outputs.
    static func tiles(covering length: Int) -> Int { (length + 1) / 2 }

    /// ⌊n / 2⌋, also for negative n (where `/` rounds towards zero).
    @inline(__always)
    private static func floorHalf(_ n: Int) -> Int { n >> 1 }

    // MARK: Weights

    /// U_ξ[o, c] = Σ_k G[ξ, k]·W[o, c, k]: weight [O, C, 3] to 4 blocks of [O, C].
    static func transformWeight(_ w: UnsafePointer<Float>, count: Int, into u: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let g0 = w[3 * i], g1 = w[3 * i + 1], g2 = w[3 * i + 2]
            let outer = 0.5 * (g0 + g2)
            u[i] = g0
            u[count + i] = outer + 0.5 * g1
            u[2 * count + i] = outer - 0.5 * g1
            u[3 * count + i] = g2
        }
    }

    /// dW[o, c, k] (+)= Σ_ξ G[ξ, k]·P_ξ[o, c], the transpose of ``transformWeight(_:count:into:)``:
    /// it takes the per-point products of the weight gradient back to the taps.
    static func untransformWeightGradient(_ p: UnsafePointer<Float>, count: Int, into dw: UnsafeMutablePointer<Float>,
                                          accumulate: Bool) {
        for i in 0..<count {
            let p0 = p[i], p1 = p[count + i], p2 = p[2 * count + i], p3 = p[3 * count + i]
            let sum = 0.5 * (p1 + p2)
            let k0 = p0 + sum, k1 = 0.5 * (p1 - p2), k2 = sum + p3
            if accumulate {
                dw[3 * i] += k0; dw[3 * i + 1] += k1; dw[3 * i + 2] += k2
            } else {
                dw[3 * i] = k0; dw[3 * i + 1] = k1; dw[3 * i + 2] = k2
            }
        }
    }

    // MARK: Inputs

    /// V_ξ = Bᵀ·d for every tile: `tiles` windows of 4 per row, starting at 2t + offset, zero
    /// outside the row.
    static func transformInput(_ src: UnsafePointer<Float>, rows: Int, length: Int, tiles: Int, offset: Int,
                               into v: UnsafeMutablePointer<Float>) {
        let block = rows * tiles
        // The tiles whose window stays inside its row: first ..< last.
        let first = min(tiles, max(0, (-offset + 1) / 2))
        let last = max(first, min(tiles, floorHalf(length - offset - 4) + 1))
        if length == 2 * tiles {
            // Interior tiles of all rows in one pass; the flat window 2q + offset … + 3 is the
            // row's own window for them, and stays inside the buffer for every q in range.
            let total = rows * length
            let lowest = max(0, (-offset + 1) / 2)
            let highest = max(lowest, min(block, floorHalf(total - offset - 4) + 1))
            inputTiles(src + offset, qs: lowest..<highest, block: block, into: v)
            for r in 0..<rows where first > 0 || last < tiles {
                for t in 0..<first { checkedInputTile(src + r * length, length, 2 * t + offset, v, block, r * tiles + t) }
                for t in last..<tiles { checkedInputTile(src + r * length, length, 2 * t + offset, v, block, r * tiles + t) }
            }
        } else {
            for r in 0..<rows {
                let row = src + r * length, q0 = r * tiles
                for t in 0..<first { checkedInputTile(row, length, 2 * t + offset, v, block, q0 + t) }
                inputTiles(row + offset - 2 * q0, qs: (q0 + first)..<(q0 + last), block: block, into: v)
                for t in last..<tiles { checkedInputTile(row, length, 2 * t + offset, v, block, q0 + t) }
            }
        }
    }

    /// Tiles `qs`, tile q reading `base[2q ..< 2q + 4]` (in bounds).
    @inline(__always)
    private static func inputTiles(_ base: UnsafePointer<Float>, qs: Range<Int>, block: Int,
                                   into v: UnsafeMutablePointer<Float>) {
        let v1 = v + block, v2 = v + 2 * block, v3 = v + 3 * block
        for q in qs {
            let d = base + 2 * q
            let d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3]
            v[q] = d0 - d2
            v1[q] = d1 + d2
            v2[q] = d2 - d1
            v3[q] = d1 - d3
        }
    }

    /// One tile whose window may leave the row: positions outside 0..<length read as zero.
    private static func checkedInputTile(_ row: UnsafePointer<Float>, _ length: Int, _ start: Int,
                                         _ v: UnsafeMutablePointer<Float>, _ block: Int, _ q: Int) {
        @inline(__always) func at(_ i: Int) -> Float {
            let p = start + i
            return p >= 0 && p < length ? row[p] : 0
        }
        let d0 = at(0), d1 = at(1), d2 = at(2), d3 = at(3)
        v[q] = d0 - d2
        v[block + q] = d1 + d2
        v[2 * block + q] = d2 - d1
        v[3 * block + q] = d1 - d3
    }

    // MARK: Outputs

    /// y = Aᵀ·M per tile: y[2t] = M₀ + M₁ + M₂, y[2t + 1] = M₁ − M₂ − M₃, plus `bias[r / rowsPerBias]`
    /// when given, written (or with `accumulate`, added) into `rows` runs of `length`; a last
    /// tile that sticks out of an odd length keeps only its first output.
    static func transformOutput(_ m: UnsafePointer<Float>, rows: Int, length: Int, tiles: Int,
                                bias: UnsafePointer<Float>?, rowsPerBias: Int,
                                into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let block = rows * tiles
        let m1 = m + block, m2 = m + 2 * block, m3 = m + 3 * block
        if length == 2 * tiles {
            // One pass per bias value, so that the offset is a constant of the loop.
            let groups = bias == nil ? 1 : rows / rowsPerBias
            let span = block / groups
            for g in 0..<groups {
                let b = bias?[g] ?? 0, qs = (g * span)..<((g + 1) * span)
                if accumulate {
                    for q in qs {
                        y[2 * q] += m[q] + m1[q] + m2[q] + b
                        y[2 * q + 1] += m1[q] - m2[q] - m3[q] + b
                    }
                } else {
                    for q in qs {
                        y[2 * q] = m[q] + m1[q] + m2[q] + b
                        y[2 * q + 1] = m1[q] - m2[q] - m3[q] + b
                    }
                }
            }
            return
        }
        for r in 0..<rows {
            let b = bias?[r / rowsPerBias] ?? 0
            let row = y + r * length
            for t in 0..<tiles {
                let q = r * tiles + t
                let first = m[q] + m1[q] + m2[q] + b
                if accumulate { row[2 * t] += first } else { row[2 * t] = first }
                guard 2 * t + 1 < length else { continue }
                let second = m1[q] - m2[q] - m3[q] + b
                if accumulate { row[2 * t + 1] += second } else { row[2 * t + 1] = second }
            }
        }
    }

    // MARK: Output gradients

    /// Z_ξ = A·e for every tile of the output gradient e = (dy[2t], dy[2t + 1]), the second zero
    /// past an odd length: Z = (e₀, e₀ + e₁, e₀ − e₁, −e₁). With the input's V, Σ_tiles Z_ξ·V_ξ
    /// is G·dW (the trilinear form of F(2,3) differentiated by the taps).
    static func transformOutputGradient(_ dy: UnsafePointer<Float>, rows: Int, length: Int, tiles: Int,
                                        into z: UnsafeMutablePointer<Float>) {
        let block = rows * tiles
        let z1 = z + block, z2 = z + 2 * block, z3 = z + 3 * block
        if length == 2 * tiles {
            for q in 0..<block {
                let e0 = dy[2 * q], e1 = dy[2 * q + 1]
                z[q] = e0
                z1[q] = e0 + e1
                z2[q] = e0 - e1
                z3[q] = -e1
            }
            return
        }
        for r in 0..<rows {
            let row = dy + r * length
            for t in 0..<tiles {
                let q = r * tiles + t
                let e0 = row[2 * t], e1 = 2 * t + 1 < length ? row[2 * t + 1] : 0
                z[q] = e0
                z1[q] = e0 + e1
                z2[q] = e0 - e1
                z3[q] = -e1
            }
        }
    }
}
