import Foundation
import XCTest
@testable import Autograd

/// The seeded generator: reproducible streams, distributions, and a frozen golden stream.
final class RandomGeneratorTests: XCTestCase {
    func testSameSeedSameStream() {
        var a = RandomGenerator(seed: 1234), b = RandomGenerator(seed: 1234)
        for _ in 0..<1000 { XCTAssertEqual(a.next(), b.next()) }
        XCTAssertEqual(a, b)
        XCTAssertEqual((0..<50).map { _ in a.normal() }, (0..<50).map { _ in b.normal() })
        XCTAssertEqual(a.permutation(30), b.permutation(30))
    }

    func testDifferentSeedsDiffer() {
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 2)
        XCTAssertNotEqual(a, b)
        let sa = (0..<100).map { _ in a.next() }, sb = (0..<100).map { _ in b.next() }
        XCTAssertEqual(zip(sa, sb).filter { $0 == $1 }.count, 0)
        // Seed 0 must not be degenerate (an all-zero xoshiro state would output only zeros).
        var zero = RandomGenerator(seed: 0)
        XCTAssertTrue((0..<4).map { _ in zero.next() }.contains { $0 != 0 })
    }

    /// Golden values, computed once with an independent implementation (Python, from the
    /// reference C code of SplitMix64 and xoshiro256**). A change here changes every
    /// initialization, every shuffle and every experiment: it must be deliberate.
    func testGoldenStreamForSeed42() {
        var g = RandomGenerator(seed: 42)
        XCTAssertTrue(g.state == (0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103,
                                  0x4752_6757_130F_9F52, 0x581C_E1FF_0E4A_E394), "SplitMix64 seeding")
        XCTAssertEqual((0..<4).map { _ in g.next() },
                       [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1])

        g = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<4).map { _ in g.nextUnitFloat() },
                       [0.083_862_960_338_592_53, 0.378_980_219_364_166_26, 0.680_043_399_333_953_9, 0.924_692_928_791_046_1])
        g = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<2).map { _ in g.nextUnitDouble() }, [0.083_862_971_059_882_16, 0.378_980_250_662_668_6])
        g = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<4).map { _ in g.normal() },
                       [-0.303_263_068_199_157_7, 1.343_811_750_411_987_3, 0.383_461_803_197_860_7, 0.936_962_425_708_770_8])
        g = RandomGenerator(seed: 42)
        XCTAssertEqual(g.permutation(10), [7, 3, 8, 9, 5, 6, 4, 1, 0, 2])
    }

    func testMatchesTheReferenceAlgorithms() {
        // SplitMix64's first output for seed 0, and xoshiro256** from state {1, 2, 3, 4}, as the
        // reference C implementations print them.
        XCTAssertEqual(RandomGenerator(seed: 0).state.0, 0xE220_A839_7B1D_CDAF)
        var g = RandomGenerator(seed: 0)
        g.state = (1, 2, 3, 4)
        XCTAssertEqual((0..<4).map { _ in g.next() }, [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    func testUniformStaysInBoundsAndCoversThem() {
        var g = RandomGenerator(seed: 3)
        for (low, high) in [(Float(0), Float(1)), (-1, 1), (-0.125, 0.125), (1, 2), (10, 11), (-3, -2)] {
            let xs = (0..<20_000).map { _ in g.uniform(low, high) }
            XCTAssertTrue(xs.allSatisfy { $0 >= low && $0 < high }, "[\(low), \(high))")
            let width = high - low
            XCTAssertLessThan(xs.min()! - low, width * 1e-3, "reaches near the lower bound")
            XCTAssertLessThan(high - xs.max()!, width * 1e-3, "reaches near the upper bound")
            let mean = xs.reduce(0, +) / Float(xs.count)
            // Standard error of the mean: width / √(12·20,000) ≈ 0.002·width; allow 5σ.
            XCTAssertEqual(mean, (low + high) / 2, accuracy: width * 0.01)
        }
    }

    func testUniformExcludesTheUpperBoundAtTheLargestUnitValue() {
        // A state whose next output is all ones, so nextUnitFloat() returns 1 − 2⁻²⁴: the
        // output is rotl(s1·5, 7)·9, so s1 = rotr((2⁶⁴−1)·9⁻¹, 7)·5⁻¹ (mod 2⁶⁴).
        let maxState: (UInt64, UInt64, UInt64, UInt64) = (0, 0x4FC7_1C71_C71C_71C7, 0, 0)
        var g = RandomGenerator(seed: 0)
        g.state = maxState
        XCTAssertEqual(g.nextUnitFloat(), 1 - 0x1p-24)
        // For these ranges, low + (high − low)·(1 − 2⁻²⁴) rounds to high in Float.
        for (low, high) in [(Float(1), Float(2)), (2, 3), (10, 11), (-3, -2), (0.1, 0.3)] {
            g.state = maxState
            let x = g.uniform(low, high)
            XCTAssertLessThan(x, high, "[\(low), \(high))")
            XCTAssertGreaterThanOrEqual(x, low)
        }
        g.state = maxState
        XCTAssertEqual(g.uniform(5, 5), 5, "an empty range gives its bound")
    }

    func testNormalMomentsOver100kSamples() {
        var g = RandomGenerator(seed: 42)
        let n = 100_000
        var sum = 0.0, sumSquares = 0.0, beyond3 = 0
        for _ in 0..<n {
            let x = Double(g.normal())
            sum += x; sumSquares += x * x
            if abs(x) > 3 { beyond3 += 1 }
        }
        let mean = sum / Double(n)
        let variance = sumSquares / Double(n) - mean * mean
        // Standard errors: 1/√n ≈ 0.0032 for the mean, √(2/n) ≈ 0.0045 for the variance.
        // Bounds at about 4σ: loose enough for any correct generator, tight enough to catch a
        // wrong scale (a missing √2, or a uniform in disguise).
        XCTAssertEqual(mean, 0, accuracy: 0.013)
        XCTAssertEqual(variance, 1, accuracy: 0.018)
        // P(|x| > 3) = 0.0027: 270 expected, σ ≈ 16.
        XCTAssertEqual(Double(beyond3), 270, accuracy: 80)
    }

    func testPermutationIsAPermutation() {
        var g = RandomGenerator(seed: 9)
        for n in [0, 1, 2, 7, 100, 1000] {
            let p = g.permutation(n)
            XCTAssertEqual(p.sorted(), Array(0..<n), "n = \(n)")
        }
        XCTAssertNotEqual(g.permutation(100), Array(0..<100), "a shuffle moves something")
    }

    func testPermutationIsUniformOverSmallN() {
        // All 6 orders of 3 elements, 60,000 draws: 10,000 expected each, σ ≈ 91.
        var g = RandomGenerator(seed: 11)
        var counts: [[Int]: Int] = [:]
        for _ in 0..<60_000 { counts[g.permutation(3), default: 0] += 1 }
        XCTAssertEqual(counts.count, 6)
        for (p, c) in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 500, "\(p)") }
    }

    func testStateRoundTripsThroughCodableAndTheStateProperty() throws {
        var g = RandomGenerator(seed: 5)
        _ = g.next()
        let decoded = try JSONDecoder().decode(RandomGenerator.self, from: try JSONEncoder().encode(g))
        XCTAssertEqual(decoded, g)
        var copy = RandomGenerator(seed: 0)
        copy.state = g.state
        XCTAssertEqual(copy.next(), g.next())
    }

    func testRandomTensorsFollowTheGenerator() {
        var a = RandomGenerator(seed: 8), b = RandomGenerator(seed: 8)
        let t = Tensor.randomNormal([2, 3], mean: 1, std: 2, generator: &a, requiresGrad: true)
        XCTAssertEqual(t.scalars, (0..<6).map { _ in 1 + 2 * b.normal() })
        XCTAssertTrue(t.requiresGrad)
        let u = Tensor.randomUniform([4], low: -2, high: -1, generator: &a)
        XCTAssertEqual(u.scalars, (0..<4).map { _ in b.uniform(-2, -1) })
        XCTAssertFalse(u.requiresGrad)
        XCTAssertEqual(a, b, "the tensors drew exactly one value per element")
    }
}
