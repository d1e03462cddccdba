import Foundation

/// A small deterministic random number generator (SplitMix64), so that every bootstrap is
/// reproducible from its seed on every platform and Swift version.
///
/// Not for cryptography. `index(below:)` is implemented here rather than using the standard
/// library's `Int.random(in:using:)`, whose way of turning 64-bit words into a range is not
/// promised to stay the same across releases.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole output sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits (SplitMix64, Steele, Lea & Flood 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<n` (Lemire's multiply-and-reject, so there is no modulo bias).
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0, "index(below:) needs n > 0")
        let bound = UInt64(n)
        let threshold = (0 &- bound) % bound
        while true {
            let product = next().multipliedFullWidth(by: bound)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// A uniform Double in [0, 1) from the top 53 bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
