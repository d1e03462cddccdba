/// The weight gradient of a convolution that keeps the length (padding (K − 1)/2), as one
/// product per tap of the output gradient with the input shifted, chunk by chunk of samples:
///
///     dW[o, c, k] = Σ_{n,t} dy[o, n, t]·x[c, n, t + s],   s = k − padding
///
/// These are exactly im2col's products and sums, without building the patches: on
/// channel-major data `[C, N·L]` the shifted input is the same matrix read from `s` columns
/// further on. Only the pairs that would reach into the neighbouring sample are wrong; they are
/// removed by zeroing, in the chunk's (transposed) copy of the output gradient, the |s|
/// positions of each sample that would make them (an exact zero, so the sums are the ones
/// im2col forms).
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

    /// The most positions per chunk for which OpenBLAS runs these products on its small-matrix
    /// kernels (no packing; it allows them up to M·N·K = 100³ on this machine's AVX-512
    /// kernels): at 64 channels 244 positions, 113 GFLOP/s against 87 for 250 positions.
    static func columnLimit(_ geometry: ConvolutionGeometry) -> Int {
        max(1, 1_000_000 / max(1, geometry.channels * geometry.outChannels))
    }

    /// Pᵀ_k (+)= x_s·dz over `samples`, Pᵀ the K blocks of [C, O] in `pT` (written when
    /// `first`, else added to). `dzT` is the chunk's output gradient transposed, [samples·L,
    /// O]: position-major, so that both operands are in the layout the small-matrix kernels
    /// take untransposed. It is changed while this runs (its edge rows zeroed in turn) and left
    /// as it was; `saved` holds O·samples·padding scalars.
    func accumulate(dzT: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, samples: Range<Int>,
                    saved: UnsafeMutablePointer<Float>, into pT: UnsafeMutablePointer<Float>, first: Bool) {
        let g = geometry, o = g.outChannels, c = g.channels, l = g.length, ld = g.batch * l
        let columns = samples.count * l, start = samples.lowerBound * l
        let beta: Float = first ? 0 : 1
        for k in 0..<g.kernel {
            let s = k - g.padding, block = pT + k * o * c
            // Output positions t whose t + s leaves the sample: the first −s, or the last s.
            let edge = s < 0 ? 0..<min(-s, l) : max(l - s, 0)..<l
            swapEdges(dzT, edge, columns: columns, saved: saved, restoring: false)
            // Position j of dz pairs with position j + s of x; the positions whose partner lies
            // outside the chunk are edge positions (zero), so they are left out of the product,
            // which also keeps every read inside the buffers.
            let skip = min(abs(s), columns)
            BLAS.gemm(m: c, n: o, k: columns - skip, a: x + start + (s < 0 ? 0 : skip), lda: ld,
                      b: dzT + (s < 0 ? skip * o : 0), ldb: o, beta: beta, c: block, ldc: o)
            swapEdges(dzT, edge, columns: columns, saved: saved, restoring: true)
        }
    }

    /// Moves the rows (positions) of `dzT` at the `edge` positions of every sample to `saved`
    /// and zeroes them, or with `restoring` puts them back.
    private func swapEdges(_ dzT: UnsafeMutablePointer<Float>, _ edge: Range<Int>, columns: Int,
                           saved: UnsafeMutablePointer<Float>, restoring: Bool) {
        let l = geometry.length, o = geometry.outChannels
        var next = saved
        for t in edge {
            var position = t
            while position < columns {
                let row = dzT + position * o
                if restoring {
                    row.update(from: next, count: o)
                } else {
                    next.update(from: row, count: o)
                    row.update(repeating: 0, count: o)
                }
                next += o
                position += l
            }
        }
    }

    /// dW[o, c, k] (+)= Pᵀ_k[c, o].
    ///
    /// A strided copy, written with pointer steps: indexed, each element paid for checked index
    /// arithmetic, and this copy was a fifth of a small-batch ResNet step. A row of P_k's
    /// column j spans c cache lines, which stay in L1 for the next columns.
    func finish(_ pT: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let o = geometry.outChannels, c = geometry.channels, kernel = geometry.kernel, count = o * c
        for k in 0..<kernel {
            let plane = pT + k * count
            for j in 0..<o {
                var from = plane + j, out = dw + j * c * kernel + k
                if accumulate {
                    for _ in 0..<c { out.pointee += from.pointee; from += o; out += kernel }
                } else {
                    for _ in 0..<c { out.pointee = from.pointee; from += o; out += kernel }
                }
            }
        }
    }
}
