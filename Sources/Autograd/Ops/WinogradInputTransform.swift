extension Winograd23 {
    /// V_ξ = Bᵀ·d for every tile: windows of 4 starting at 2t + offset, zero outside the run,
    /// laid out as described on ``Winograd23``.
    static func transformInput(_ src: UnsafePointer<Float>, channels: Int, channelStride: Int, rows: Int,
                               length: Int, tiles: Int, offset: Int, into v: UnsafeMutablePointer<Float>) {
        let count = rows * tiles, stride = channels * count
        for c in 0..<channels {
            if offset == -1 && length == 2 * tiles && tiles >= 4 {
                samePaddingTiles(src + c * channelStride, rows: rows, tiles: tiles, into: v + c * count,
                                 stride: stride)
            } else {
                tilesRowByRow(src + c * channelStride, rows: rows, length: length, tiles: tiles, offset: offset,
                              into: v + c * count, stride: stride)
            }
        }
    }

    /// One channel whose runs are exactly covered by their tiles, windows from 2t − 1: a 3-tap
    /// convolution with padding 1 on an even length (the seed's ResNet, both forward and for
    /// the input gradient). Tile q of the flattened runs then reads 2q − 1 … 2q + 2 whatever its
    /// row, so four tiles are two overlapping loads split into even and odd lanes; only two of
    /// their inputs can fall outside the run: d₀ of each run's first tile and d₃ of its last,
    /// which are zeroed by lane (a select, not a multiply: an infinity next door must not turn
    /// into NaN; a mask of the bits, which keeps the select branch-free). Groups of four start
    /// at multiples of 4, so the lanes' positions in the run advance by 4 (mod tiles) from group
    /// to group.
    private static func samePaddingTiles(_ src: UnsafePointer<Float>, rows: Int, tiles: Int,
                                         into v: UnsafeMutablePointer<Float>, stride: Int) {
        let count = rows * tiles, total = 2 * count, length = 2 * tiles
        let v1 = v + stride, v2 = v1 + stride, v3 = v2 + stride
        let lastTile = SIMD4<Int32>(repeating: Int32(tiles - 1)), wrap = SIMD4<Int32>(repeating: Int32(tiles))
        // t of each lane of the group at q (valid for tiles ≥ 4: one wrap per step at most).
        // Lane masks come from plain integer arithmetic: the comparison operators build their
        // `SIMDMask` lane by lane through memory, slower than the whole transform.
        @inline(__always) func nonzero(_ x: SIMD4<Int32>) -> SIMD4<Int32> { (x | (0 &- x)) &>> 31 }
        @inline(__always) func next(_ t: SIMD4<Int32>) -> SIMD4<Int32> {
            let u = t &+ 4
            return u &- (wrap & ((lastTile &- u) &>> 31))
        }
        @inline(__always) func keep(_ d: SIMD4<Float>, _ mask: SIMD4<Int32>) -> SIMD4<Float> {
            unsafeBitCast(unsafeBitCast(d, to: SIMD4<Int32>.self) & mask, to: SIMD4<Float>.self)
        }
        var t = SIMD4<Int32>(0, 1, 2, 3)
        var q = 4
        if total >= 9 {
            // The first group's window starts before the source: load from position 0, and
            // make d₀ = (0, x₁, x₃, x₅) by moving d₂'s lanes up one.
            let a = load8(src), b = load8(src + 1)
            let d1 = a.evenHalf, d2 = a.oddHalf, d3 = keep(b.oddHalf, nonzero(t &- lastTile))
            let d0 = SIMD4<Float>(0, d2[0], d2[1], d2[2])
            store(d0 - d2, v)
            store(d1 + d2, v1)
            store(d2 - d1, v2)
            store(d1 - d3, v3)
        } else {
            for first in 0..<q { checkedTile(src, length: length, t: first, offset: -1, into: v, stride: stride, q: first) }
        }
        t = next(t)
        while q + 4 <= count && 2 * q + 9 <= total {
            let a = load8(src + 2 * q - 1), b = load8(src + 2 * q + 1)
            let d0 = keep(a.evenHalf, nonzero(t)), d1 = a.oddHalf
            let d2 = b.evenHalf, d3 = keep(b.oddHalf, nonzero(t &- lastTile))
            store(d0 - d2, v + q)
            store(d1 + d2, v1 + q)
            store(d2 - d1, v2 + q)
            store(d1 - d3, v3 + q)
            q += 4
            t = next(t)
        }
        // The last few tiles, whose loads would run past the source.
        var row = q / tiles, column = q % tiles
        while q < count {
            checkedTile(src + row * length, length: length, t: column, offset: -1, into: v, stride: stride, q: q)
            q += 1
            column += 1
            if column == tiles { row += 1; column = 0 }
        }
    }

    /// One channel, any length and offset: the tiles whose window stays inside the run four
    /// at a time, the others with bounds checks.
    private static func tilesRowByRow(_ src: UnsafePointer<Float>, rows: Int, length: Int, tiles: Int, offset: Int,
                                      into v: UnsafeMutablePointer<Float>, stride: Int) {
        // The tiles whose window stays inside its run: first ..< last (⌊n/2⌋ as n >> 1, which
        // rounds down for negative n too).
        let first = min(tiles, max(0, (-offset + 1) / 2))
        let last = max(first, min(tiles, ((length - offset - 4) >> 1) + 1))
        let v1 = v + stride, v2 = v1 + stride, v3 = v2 + stride
        for r in 0..<rows {
            let q0 = r * tiles
            let row = src + r * length
            for t in 0..<first {
                checkedTile(row, length: length, t: t, offset: offset, into: v, stride: stride, q: q0 + t)
            }
            // Tile q reads base[2q ..< 2q + 4].
            let base = src + r * length + offset - 2 * q0
            var q = q0 + first
            while q + 4 <= q0 + last {
                let a = load8(base + 2 * q), b = load8(base + 2 * q + 2)
                let d0 = a.evenHalf, d1 = a.oddHalf, d2 = b.evenHalf, d3 = b.oddHalf
                store(d0 - d2, v + q)
                store(d1 + d2, v1 + q)
                store(d2 - d1, v2 + q)
                store(d1 - d3, v3 + q)
                q += 4
            }
            while q < q0 + tiles {
                checkedTile(row, length: length, t: q - q0, offset: offset, into: v, stride: stride, q: q)
                q += 1
            }
        }
    }

    /// Tile t of the run at `row`, stored as tile q, with every position checked: outside
    /// 0..<length reads zero.
    @inline(__always)
    private static func checkedTile(_ row: UnsafePointer<Float>, length: Int, t: Int, offset: Int,
                                    into v: UnsafeMutablePointer<Float>, stride: Int, q: Int) {
        let start = 2 * t + offset
        @inline(__always) func at(_ i: Int) -> Float {
            let p = start + i
            return p >= 0 && p < length ? row[p] : 0
        }
        let d0 = at(0), d1 = at(1), d2 = at(2), d3 = at(3)
        v[q] = d0 - d2
        v[stride + q] = d1 + d2
        v[2 * stride + q] = d2 - d1
        v[3 * stride + q] = d1 - d3
    }
}
