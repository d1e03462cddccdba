/// The weight gradient of a convolution that keeps the length (padding (K − 1)/2), as one
/// product per tap of the output gradient with the input shifted, chunk by chunk of samples:
///
///     dW[o, c, k] = Σ_{n,t} dy[o, n, t]·x[c, n, t + s],   s = k − padding
///
/// These are exactly im2col's products and sums, without building the patches: on
/// channel-major data `[C, N·L]` the shifted input is the same matrix read from `s` columns
/// further on. Only the pairs that would reach into the neighbouring sample are wrong; they are
/// removed by zeroing, in the chunk's copy of the output gradient, the |s| positions of each
/// sample that would make them (an exact zero, so the sums are the ones im2col forms).
///
/// Why not Winograd here, as for the forward pass and the input gradient: F(3,2) computes each
/// tap's gradient as a difference of sums that contain the other taps' terms, so its rounding
/// error scales with the largest tap's gradient rather than the tap's own. Adam divides each
/// update by the gradient's own size and turns that into visible parameter differences: the
/// two-block ResNet's 10 Adam steps drifted 1.4e-5 from PyTorch's, 30 times the golden test's
/// tolerance, while im2col's sums stay within it.
struct ShiftedWeightGradient {
    let geometry: ConvolutionGeometry

    /// Whether the convolution keeps its length, so that input and output gradient share the
    /// column layout the shifts rely on.
    static func applies(to geometry: ConvolutionGeometry) -> Bool { geometry.outputLength == geometry.length }

    /// P_k (+)= dy·x_sᵀ over `samples`, P the K blocks of [O, C] in `p` (written when `first`,
    /// else added to). `dy` is the chunk's output gradient, [O, samples·L], which is changed
    /// while this runs (its edges zeroed, in turn) and left as it was; `saved` holds
    /// O·samples·padding scalars.
    func accumulate(dy: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, samples: Range<Int>,
                    saved: UnsafeMutablePointer<Float>, into p: UnsafeMutablePointer<Float>, first: Bool) {
        let g = geometry, o = g.outChannels, c = g.channels, l = g.length, ld = g.batch * l
        let columns = samples.count * l, start = samples.lowerBound * l
        let beta: Float = first ? 0 : 1
        for k in 0..<g.kernel {
            let s = k - g.padding, block = p + k * o * c
            // Output positions t whose t + s leaves the sample: the first −s, or the last s.
            let edge = s < 0 ? 0..<min(-s, l) : max(l - s, 0)..<l
            swapEdges(dy, edge, rows: o, columns: columns, saved: saved, restoring: false)
            // Column j of the product pairs dy's column j with x's column j + s; the columns
            // whose partner lies outside the chunk are edge positions (zero), so they are left
            // out of the product, which also keeps every read inside the buffers.
            let skip = min(abs(s), columns)
            BLAS.gemm(transposeB: true, m: o, n: c, k: columns - skip, a: dy + (s < 0 ? skip : 0), lda: columns,
                      b: x + start + (s < 0 ? 0 : skip), ldb: ld, beta: beta, c: block, ldc: c)
            swapEdges(dy, edge, rows: o, columns: columns, saved: saved, restoring: true)
        }
    }

    /// Moves the `edge` positions of every sample (rows of `columns`) to `saved` and zeroes
    /// them, or with `restoring` puts them back.
    private func swapEdges(_ dy: UnsafeMutablePointer<Float>, _ edge: Range<Int>, rows: Int, columns: Int,
                           saved: UnsafeMutablePointer<Float>, restoring: Bool) {
        // Plain pointer loops: `stride(from:to:by:)` here compiled to overflow checks and
        // branches around every store.
        let l = geometry.length, end = dy + rows * columns
        var next = saved
        for t in edge {
            var at = dy + t
            if restoring {
                while at < end { at.pointee = next.pointee; next += 1; at += l }
            } else {
                while at < end { next.pointee = at.pointee; at.pointee = 0; next += 1; at += l }
            }
        }
    }

    /// dW[o, c, k] (+)= P_k[o, c].
    func finish(_ p: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let count = geometry.outChannels * geometry.channels, kernel = geometry.kernel
        if kernel == 3 {
            // Four weights' three taps at a time, interleaved by shuffles into three stores.
            let p0 = p, p1 = p + count, p2 = p + 2 * count
            var i = 0
            while i + 4 <= count {
                let a = Winograd23.load4(p0 + i), b = Winograd23.load4(p1 + i), c = Winograd23.load4(p2 + i)
                var out = (SIMD4(a[0], b[0], c[0], a[1]), SIMD4(b[1], c[1], a[2], b[2]), SIMD4(c[2], a[3], b[3], c[3]))
                let d = dw + 3 * i
                if accumulate {
                    out.0 += Winograd23.load4(d); out.1 += Winograd23.load4(d + 4); out.2 += Winograd23.load4(d + 8)
                }
                Winograd23.store(out.0, d); Winograd23.store(out.1, d + 4); Winograd23.store(out.2, d + 8)
                i += 4
            }
            for i in i..<count {
                for k in 0..<3 { dw[3 * i + k] = (accumulate ? dw[3 * i + k] : 0) + p[k * count + i] }
            }
            return
        }
        for k in 0..<kernel {
            let block = p + k * count
            if accumulate {
                for i in 0..<count { dw[i * kernel + k] += block[i] }
            } else {
                for i in 0..<count { dw[i * kernel + k] = block[i] }
            }
        }
    }
}
