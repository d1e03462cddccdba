/// The patch matrix of a stride-1, zero-padded 1-D convolution, in tap-major order.
///
/// The source is channel-major, `[R, N, L_src]` (R channels, N samples). The patches are K
/// blocks of the same shape with `L` columns per sample, block `j` being the source shifted by
/// `shift(j)` positions within each sample, zero where that reads outside the sample:
///
///     patches[j, r, b, t] = source[r, b, t + shift(j)]   (0 unless 0 ≤ t + shift(j) < L_src)
///
/// Read as a `[K·R, N·L]` matrix, that is im2col with the rows ordered (tap, channel) rather
/// than (channel, tap); the weights are reordered to match, which costs O·C·K scalars, nothing
/// next to the product.
///
/// Why this order: when the convolution keeps the length (L = L_src, as the seed's kernel 3
/// with padding 1 and every 1×1 convolution do), each block is the whole source moved by a few
/// positions, one `memcpy`, plus `|shift|` zeros per sample. The (channel, tap) order would
/// need a separate copy per channel, tap and sample: 19,200 runs of 10 scalars per patch matrix
/// in the seed's ResNet, several times slower than the product's own memory traffic.
struct ConvolutionPatches {
    /// R: the source's channels.
    let rows: Int
    /// N: samples.
    let batch: Int
    /// L_src: positions per sample in the source.
    let sourceLength: Int
    /// L: positions per sample in each block.
    let length: Int
    /// K: taps, that is blocks.
    let taps: Int
    /// shift(j) = firstShift + j·shiftStep.
    let firstShift: Int
    let shiftStep: Int

    /// Scalars in one block.
    var blockCount: Int { rows * batch * length }
    /// Scalars in the whole patch matrix.
    var count: Int { taps * blockCount }

    @inline(__always)
    func shift(_ j: Int) -> Int { firstShift + j * shiftStep }

    /// The forward patches of a convolution with `padding`: shift(j) = j − padding.
    static func forward(channels: Int, batch: Int, length: Int, outputLength: Int, kernel: Int,
                        padding: Int) -> ConvolutionPatches {
        ConvolutionPatches(rows: channels, batch: batch, sourceLength: length, length: outputLength,
                           taps: kernel, firstShift: -padding, shiftStep: 1)
    }

    /// The patches of the output gradient that give the input gradient as one more product:
    /// dx[b, c, u] = Σ_o Σ_j W[o, c, j] · dy[o, b, u + padding − j], so shift(j) = padding − j.
    static func backward(channels: Int, batch: Int, length: Int, outputLength: Int, kernel: Int,
                         padding: Int) -> ConvolutionPatches {
        ConvolutionPatches(rows: channels, batch: batch, sourceLength: outputLength, length: length,
                           taps: kernel, firstShift: padding, shiftStep: -1)
    }

    /// The tap whose shift is 0 when the length is kept; its block is the source itself, so
    /// the source can be written there in the first place and not copied.
    var centerTap: Int? {
        guard length == sourceLength else { return nil }
        let j = -firstShift * shiftStep
        return j >= 0 && j < taps && shift(j) == 0 ? j : nil
    }

    /// Fills `patches` (`count` scalars) from `source` (`[R, N, L_src]`). `source` may be the
    /// block of ``centerTap``, which is then left as it is.
    func fill(_ patches: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>) {
        for j in 0..<taps {
            let block = patches + j * blockCount
            if length == sourceLength {
                fillKeepingLength(block, from: source, shift: shift(j))
            } else {
                fillRuns(block, from: source, shift: shift(j))
            }
        }
    }

    /// One block as a single shifted copy, then zeros where a run crossed a sample's edge.
    private func fillKeepingLength(_ block: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>,
                                   shift: Int) {
        let n = blockCount, l = length, runs = rows * batch
        if shift == 0 {
            if UnsafePointer(block) != source { block.update(from: source, count: n) }
            return
        }
        if abs(shift) >= l {
            block.update(repeating: 0, count: n)
            return
        }
        // block[q] = source[q + shift]; then the positions that read across a sample's edge
        // (the last `shift`, or the first −shift, of each run) are padding.
        let padding: Range<Int>
        if shift > 0 {
            block.update(from: source + shift, count: n - shift)
            padding = (l - shift)..<l
        } else {
            (block - shift).update(from: source, count: n + shift)
            padding = 0..<(-shift)
        }
        // Position by position across runs: a loop over one run's few positions would become a
        // `memset` call per run.
        for t in padding {
            var p = block + t
            for _ in 0..<runs {
                p.pointee = 0
                p += l
            }
        }
    }

    /// One block run by run, for convolutions that change the length.
    private func fillRuns(_ block: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, shift: Int) {
        let low = min(max(0, -shift), length)
        let high = max(min(length, sourceLength - shift), low)
        for i in 0..<(rows * batch) {
            RunCopy.shiftedCopy(from: source + i * sourceLength + shift, to: block + i * length, count: length,
                                valid: low..<high)
        }
    }
}

/// Copies `src`, read as `[outer, inner, run]`, into `dst` as `[inner, outer, run]`, adding
/// `offsets[a]` to every element of outer index `a` when given (a convolution's bias).
///
/// One side is read or written front to back and the other strides; the strided side walks
/// the smaller of the two leading axes, so that fewer lines are in flight at once.
func swapLeadingAxes(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                     outer: Int, inner: Int, run: Int, adding offsets: UnsafePointer<Float>? = nil) {
    @inline(__always) func move(_ a: Int, _ b: Int) {
        let from = src + (a * inner + b) * run, to = dst + (b * outer + a) * run
        if let offsets { RunCopy.copy(from: from, to: to, count: run, adding: offsets[a]) }
        else { RunCopy.copy(from: from, to: to, count: run) }
    }
    if outer <= inner {
        for b in 0..<inner { for a in 0..<outer { move(a, b) } }
    } else {
        for a in 0..<outer { for b in 0..<inner { move(a, b) } }
    }
}

/// Like ``swapLeadingAxes(_:into:outer:inner:run:adding:)``, adding into `dst` instead.
func swapLeadingAxesAdding(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                           outer: Int, inner: Int, run: Int) {
    @inline(__always) func move(_ a: Int, _ b: Int) {
        RunCopy.add(from: src + (a * inner + b) * run, to: dst + (b * outer + a) * run, count: run)
    }
    if outer <= inner {
        for b in 0..<inner { for a in 0..<outer { move(a, b) } }
    } else {
        for a in 0..<outer { for b in 0..<inner { move(a, b) } }
    }
}

/// Reorders `[P, Q, R]` into `[P, R, Q]`: a convolution weight `[O, C, K]` into the tap-major
/// `[O, K, C]` that the patches use, and back for its gradient (with `accumulate`, adding).
/// Writes go front to back; reads stride by R.
func swapTrailingAxes(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                      p: Int, q: Int, r: Int, accumulate: Bool = false) {
    for a in 0..<p {
        let s = src + a * q * r, d = dst + a * q * r
        for j in 0..<r {
            let row = d + j * q
            if accumulate {
                for i in 0..<q { row[i] += s[i * r + j] }
            } else {
                for i in 0..<q { row[i] = s[i * r + j] }
            }
        }
    }
}

/// The sum of each of `rows` rows of `count` scalars, into `dst` (adding with `accumulate`):
/// a convolution's bias gradient from its output gradient `[O, N·L]`.
///
/// Eight float lanes per row, combined in Double at the end: each lane adds count/8 values, a
/// few hundred, so the float error stays far below what a summed gradient can resolve, and it
/// runs at memory speed, which converting every scalar to Double did not.
func sumRows(_ src: UnsafePointer<Float>, rows: Int, count: Int, into dst: UnsafeMutablePointer<Float>,
             accumulate: Bool) {
    for row in 0..<rows {
        let p = src + row * count
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = 0.0
        for j in 0..<8 { total += Double(lanes[j]) }
        while i < count { total += Double(p[i]); i += 1 }
        dst[row] = accumulate ? dst[row] + Float(total) : Float(total)
    }
}
