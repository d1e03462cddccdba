extension WinogradConvolution {
    /// A gradient destination and whether it already holds a gradient to add to.
    typealias Destination = (pointer: UnsafeMutablePointer<Float>, accumulate: Bool)

    /// Where backward sends its gradients; nil for inputs that need none.
    struct Targets {
        var weight: Destination?
        var input: Destination?
        var bias: Destination?
        /// The residual's share, dz itself, laid out like the output.
        var residual: Destination?
    }

    /// Every gradient from the output gradient `g` [O, N, L_out], chunk by chunk of samples
    /// (``backwardChunks``, sized for the weight gradient's products).
    ///
    /// Each chunk first copies its part of g (masked by `reluOutput > 0` when the forward ended
    /// in the fused ReLU): that copy, dz, is what the chunk's products read while it is in
    /// cache, and the one pass over g the whole backward makes. From it:
    /// - the bias's row sums (lanes of Float per chunk, totals in Double);
    /// - dW by ``ShiftedWeightGradient`` (im2col's sums, see there why not Winograd's) from a
    ///   transposed copy of dz, or, when the convolution changes the length, by im2col over the
    ///   whole masked gradient;
    /// - dx (+)= Aᵀ·(U_σ(ξ)ᵀ·V'_ξ), V' the chunk's windows at the transform points: the
    ///   correlation of dz with the reversed kernel;
    /// - the residual's gradient, dz itself (added after dx, so that a residual that is the
    ///   input itself can share its destination).
    func backward(g: UnsafePointer<Float>, reluOutput y: UnsafePointer<Float>?, x: UnsafePointer<Float>,
                  u: TensorStorage, into targets: Targets) {
        let geo = geometry, o = geo.outChannels, c = geo.channels, lOut = geo.outputLength, ld = geo.batch * lOut
        let chunks = backwardChunks, xTiles = inputTiles, most = chunks.map(\.count).max() ?? 0
        let shifted = targets.weight != nil && ShiftedWeightGradient.applies(to: geo) ? ShiftedWeightGradient(geometry: geo) : nil
        // The whole masked gradient, only for a weight gradient by im2col.
        let whole = targets.weight != nil && shifted == nil ? TensorStorage(uninitializedCount: o * ld) : nil
        let dz = TensorStorage(uninitializedCount: o * most * lOut)
        let dzT = shifted == nil ? nil : TensorStorage(uninitializedCount: o * most * lOut)
        let saved = shifted == nil ? nil : TensorStorage(uninitializedCount: o * most * geo.padding)
        let p = shifted == nil ? nil : TensorStorage(uninitializedCount: geo.kernel * o * c)
        let vy = targets.input == nil ? nil : TensorStorage(uninitializedCount: 4 * o * most * xTiles)
        let m = targets.input == nil ? nil : TensorStorage(uninitializedCount: 4 * c * most * xTiles)
        var biasTotals = [Double](repeating: 0, count: targets.bias == nil ? 0 : o)
        for (index, samples) in chunks.enumerated() {
            let columns = samples.count * lOut, start = samples.lowerBound * lOut
            maskedCopy(g + start, y.map { $0 + start }, rows: o, columns: columns, ld: ld, into: dz.base)
            if targets.bias != nil { addRowSums(dz.base, rows: o, columns: columns, into: &biasTotals) }
            if let whole {
                for row in 0..<o { (whole.base + row * ld + start).update(from: dz.base + row * columns, count: columns) }
            }
            if let shifted, let dzT, let saved, let p {
                transpose(dz.base, rows: o, columns: columns, into: dzT.base)
                shifted.accumulate(dzT: dzT.base, x: x, samples: samples, saved: saved.base, into: p.base,
                                   first: index == 0)
            }
            if let dx = targets.input, let vy, let m {
                let tileColumns = samples.count * xTiles
                Winograd23.transformInput(dz.base, channels: o, channelStride: columns, rows: samples.count, length: lOut,
                                          tiles: xTiles, offset: geo.padding - 2, into: vy.base)
                for xi in 0..<4 {
                    // Reversing the taps swaps the first and last transform points (G's rows 0
                    // and 3 are each other's mirror; rows 1 and 2 are symmetric).
                    let point = xi == 0 ? 3 : xi == 3 ? 0 : xi
                    BLAS.gemm(transposeA: true, m: c, n: tileColumns, k: o, a: u.base + point * o * c, lda: c,
                              b: vy.base + xi * o * tileColumns, ldb: tileColumns, c: m.base + xi * c * tileColumns,
                              ldc: tileColumns)
                }
                untransformTiles(m.base, channels: c, length: geo.length, tiles: xTiles, samples: samples, bias: nil,
                                 into: dx.pointer, accumulate: dx.accumulate)
            }
            if let dr = targets.residual {
                for row in 0..<o {
                    let src = dz.base + row * columns, dst = dr.pointer + row * ld + start
                    if dr.accumulate { for i in 0..<columns { dst[i] += src[i] } } else { dst.update(from: src, count: columns) }
                }
            }
        }
        if let dw = targets.weight {
            if let shifted, let p {
                shifted.finish(p.base, into: dw.pointer, accumulate: dw.accumulate)
            } else if let whole {
                let cols = geo.makePatches(geo.inputPatches) { $0.update(from: x, count: c * geo.inputColumns) }
                geo.weightGradient(dy: whole.base, cols: cols, into: dw.pointer, accumulate: dw.accumulate)
            }
        }
        if let db = targets.bias {
            for row in 0..<o { db.pointer[row] = Float(biasTotals[row] + (db.accumulate ? Double(db.pointer[row]) : 0)) }
        }
        withExtendedLifetime((u, whole, dz, dzT, saved, p, vy, m)) {}
    }

    /// dst = src, rows of `columns` from rows `ld` apart, zero where `reluOutput` is not
    /// positive (where the fused ReLU cut its input off; NaN counts as not positive, as in
    /// `Tensor.relu()`'s backward).
    private func maskedCopy(_ src: UnsafePointer<Float>, _ reluOutput: UnsafePointer<Float>?, rows: Int, columns: Int,
                            ld: Int, into dst: UnsafeMutablePointer<Float>) {
        let zero = VectorMath.Vector(repeating: 0)
        for row in 0..<rows {
            let from = src + row * ld, to = dst + row * columns
            if let y = reluOutput.map({ $0 + row * ld }) {
                VectorMath.map2(from, y, to, columns) { g, y in zero.replacing(with: g, where: y .> zero) }
            } else {
                to.update(from: from, count: columns)
            }
        }
    }

    /// dst[j, i] = src[i, j] for a [rows, columns] source, in 4×4 blocks (four loads, shuffles,
    /// four stores) with scalar edges.
    private func transpose(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 4 <= rows {
            var j = 0
            while j + 4 <= columns {
                let r0 = Winograd23.load4(src + i * columns + j), r1 = Winograd23.load4(src + (i + 1) * columns + j)
                let r2 = Winograd23.load4(src + (i + 2) * columns + j), r3 = Winograd23.load4(src + (i + 3) * columns + j)
                Winograd23.store(SIMD4(r0[0], r1[0], r2[0], r3[0]), dst + j * rows + i)
                Winograd23.store(SIMD4(r0[1], r1[1], r2[1], r3[1]), dst + (j + 1) * rows + i)
                Winograd23.store(SIMD4(r0[2], r1[2], r2[2], r3[2]), dst + (j + 2) * rows + i)
                Winograd23.store(SIMD4(r0[3], r1[3], r2[3], r3[3]), dst + (j + 3) * rows + i)
                j += 4
            }
            for j in j..<columns { for r in i..<(i + 4) { dst[j * rows + r] = src[r * columns + j] } }
            i += 4
        }
        for r in i..<rows { for j in 0..<columns { dst[j * rows + r] = src[r * columns + j] } }
    }

    /// totals[row] += Σ of the row, eight Float lanes per row and the lanes added in Double (as
    /// `sumRows`), so the chunked sum is as precise as the whole-row one.
    private func addRowSums(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into totals: inout [Double]) {
        for row in 0..<rows {
            var partial: Float = 0
            sumRows(src + row * columns, rows: 1, count: columns, into: &partial, accumulate: false)
            totals[row] += Double(partial)
        }
    }
}
