import Foundation

/// A weighted least-squares fit of y = a + b·x with a > 0 and b ≥ 0, where x = 1/B.
///
/// Both fits of this module reduce to it: steps S = S_min + E_min/B, and 1/ε = 1/ε_max +
/// (B_noise/ε_max)/B. The weights are 1/y², so each point's error counts relative to its size —
/// step counts and learning rates vary by orders of magnitude across batches, and their noise
/// is multiplicative, so absolute weights would let the smallest batch decide everything.
///
/// The constrained minimum of this convex problem is the unconstrained one when that is
/// feasible; otherwise it lies on a boundary, and the better of the two boundary optima is taken:
/// b = 0 (y is flat in B: no benefit from larger batches) or a = 0 (y ∝ 1/B over the whole range:
/// the intercept is not identified, the knee lies beyond the largest batch measured).
struct ReciprocalLineFit: Sendable, Equatable {
    /// Which solution was taken.
    enum Kind: Sendable, Equatable {
        /// a > 0 and b ≥ 0 from the unconstrained solution.
        case interior
        /// The unconstrained slope was negative; a is fitted alone with b = 0.
        case flat
        /// The unconstrained intercept was ≤ 0; a = 0 (limit a → 0⁺) and b is fitted alone.
        case noIntercept
    }

    var a: Double
    var b: Double
    var kind: Kind

    /// Fits points (x, y) with x > 0 and y > 0. Nil when there are fewer than two distinct x
    /// (the line is not determined).
    init?(x: [Double], y: [Double]) {
        precondition(x.count == y.count)
        precondition(x.allSatisfy { $0 > 0 && $0.isFinite } && y.allSatisfy { $0 > 0 && $0.isFinite },
                     "ReciprocalLineFit needs positive finite points")
        guard let first = x.first, x.contains(where: { $0 != first }) else { return nil }
        let w = y.map { 1 / ($0 * $0) }
        var sw = 0.0, swx = 0.0, swy = 0.0, swxx = 0.0, swxy = 0.0
        for i in x.indices {
            sw += w[i]; swx += w[i] * x[i]; swy += w[i] * y[i]
            swxx += w[i] * x[i] * x[i]; swxy += w[i] * x[i] * y[i]
        }
        // Centred form of the normal equations: better conditioned than the raw determinant
        // when x spans orders of magnitude.
        let mx = swx / sw, my = swy / sw
        var sxx = 0.0, sxy = 0.0
        for i in x.indices {
            sxx += w[i] * (x[i] - mx) * (x[i] - mx)
            sxy += w[i] * (x[i] - mx) * (y[i] - my)
        }
        let b = sxy / sxx
        let a = my - b * mx
        if a > 0 && b >= 0 {
            self.init(a: a, b: b, kind: .interior)
            return
        }
        func loss(_ a: Double, _ b: Double) -> Double {
            x.indices.reduce(0) { $0 + w[$1] * (y[$1] - a - b * x[$1]) * (y[$1] - a - b * x[$1]) }
        }
        let flat = (a: swy / sw, b: 0.0)   // > 0 because every y > 0
        let through0 = (a: 0.0, b: swxy / swxx)   // > 0 because every x, y > 0
        if loss(flat.a, flat.b) <= loss(through0.a, through0.b) {
            self.init(a: flat.a, b: flat.b, kind: .flat)
        } else {
            self.init(a: through0.a, b: through0.b, kind: .noIntercept)
        }
    }

    init(a: Double, b: Double, kind: Kind) {
        self.a = a; self.b = b; self.kind = kind
    }
}
