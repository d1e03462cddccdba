import Foundation
@testable import Experiments

extension SeededGenerator {
    /// A standard normal draw (Box–Muller), for synthetic multiplicative noise in the tests.
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-53), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// `value`·exp(σ·z): multiplicative log-normal noise.
    mutating func noisy(_ value: Double, sigma: Double) -> Double {
        value * exp(sigma * normal())
    }
}
