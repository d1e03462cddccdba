import Collectives
import XCTest

/// Rounding of the 16-bit formats used by compressed allreduce.
final class CommunicatorTestsPrecision: XCTestCase {
    func testFP16KnownValues() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3C00), (-2, 0xC000), (0, 0x0000), (-0.0, 0x8000),
            (65504, 0x7BFF),             // largest finite
            (65519, 0x7BFF),             // just under the halfway point to 65536
            (65520, 0x7C00),             // halfway: ties to even, which is infinity
            (.infinity, 0x7C00), (-.infinity, 0xFC00),
            (0x1p-14, 0x0400),           // least normal
            (0x1p-24, 0x0001),           // least subnormal
            (0x1p-25, 0x0000),           // halfway to the least subnormal: ties to even (zero)
            (0x1.8p-25, 0x0001),         // above halfway
            (0x1.8p-24, 0x0002),         // 1.5 ulp: ties to even (2)
            (0x1.4p-23, 0x0002),         // 2.5 ulp: ties to even (2)
            (1023 * 0x1p-24, 0x03FF),    // largest subnormal
            (1 + 0x1p-11, 0x3C00),       // halfway between 1 and 1 + 2^-10: to even
            (1 + 3 * 0x1p-11, 0x3C02),   // halfway between odd and even: up to even
            (1 + 0x1p-11 + 0x1p-20, 0x3C01),
            (0x1.ffep-15, 0x0400),       // subnormal range rounding up into the least normal
            (.leastNonzeroMagnitude, 0x0000),
        ]
        for (value, bits) in cases {
            XCTAssertEqual(ReducedPrecision.fp16.encode(value), bits, "fp16(\(value))")
        }
        XCTAssertEqual(ReducedPrecision.fp16.decode(0x0001), 0x1p-24)
        XCTAssertEqual(ReducedPrecision.fp16.decode(0x03FF), 1023 * 0x1p-24)
        XCTAssertEqual(ReducedPrecision.fp16.decode(0x7BFF), 65504)
        XCTAssertEqual(ReducedPrecision.fp16.decode(0x8000).sign, .minus)
        XCTAssertTrue(ReducedPrecision.fp16.roundTrip(.nan).isNaN)
        XCTAssertTrue(ReducedPrecision.fp16.roundTrip(-.nan).isNaN)
    }

    /// Every 16-bit pattern decodes to what Swift's own `Float16` says.
    func testFP16DecodeMatchesSwiftFloat16ForAllPatterns() {
        for bits in UInt16.min ... UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let decoded = ReducedPrecision.fp16.decode(bits)
            if expected.isNaN {
                XCTAssertTrue(decoded.isNaN, "pattern \(bits)")
            } else if decoded.bitPattern != expected.bitPattern {
                XCTFail("pattern \(String(bits, radix: 16)): \(decoded), Float16 says \(expected)")
                return
            }
        }
    }

    /// Encoding agrees with Swift's `Float16(Float)` (round to nearest even) on the values
    /// around every fp16 rounding boundary and on a spread of arbitrary floats.
    func testFP16EncodeMatchesSwiftFloat16() {
        var values: [Float] = []
        for bits in UInt16(0) ..< 0x7C00 {  // every finite positive half and its neighbourhood
            let value = Float(Float16(bitPattern: bits))
            let next = Float(Float16(bitPattern: bits + 1))
            let middle = (value + next) / 2  // exact in Float
            values += [value, middle, middle.nextUp, middle.nextDown, -middle]
        }
        var seed: UInt64 = 42
        for _ in 0..<100_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Float(bitPattern: UInt32(truncatingIfNeeded: seed >> 32)))
        }
        for value in values where !value.isNaN {
            let expected = Float16(value).bitPattern
            let encoded = ReducedPrecision.fp16.encode(value)
            if encoded != expected {
                XCTFail("fp16(\(value)) = \(String(encoded, radix: 16)), Float16 says \(String(expected, radix: 16))")
                return
            }
        }
    }

    func testBF16KnownValues() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3F80), (-1, 0xBF80), (0, 0x0000), (-0.0, 0x8000),
            (1.00390625, 0x3F80),              // 1 + 2^-8: halfway, ties to even (1)
            (1.01171875, 0x3F82),              // 1 + 3 * 2^-8: halfway, ties to even (up)
            (1.00390625 + 0x1p-20, 0x3F81),    // just above halfway
            (1.0078125, 0x3F81),               // exactly representable
            (.greatestFiniteMagnitude, 0x7F80),// rounds past the largest bf16: infinity
            (.infinity, 0x7F80), (-.infinity, 0xFF80),
            (.leastNonzeroMagnitude, 0x0000),  // float subnormals round like any other value
            (0x1p-133, 0x0001),                // least bf16 subnormal
        ]
        for (value, bits) in cases {
            XCTAssertEqual(ReducedPrecision.bf16.encode(value), bits, "bf16(\(value))")
        }
        XCTAssertEqual(ReducedPrecision.bf16.decode(0x3F81), 1.0078125)
        XCTAssertTrue(ReducedPrecision.bf16.roundTrip(.nan).isNaN)
        XCTAssertTrue(ReducedPrecision.bf16.roundTrip(.signalingNaN).isNaN)
    }

    /// Encoding picks the nearer of the two bf16 neighbours (the even one on a tie), checked
    /// against an independent computation in Double.
    func testBF16EncodeRoundsToNearestEven() {
        var seed: UInt64 = 7
        for _ in 0..<100_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: seed >> 32))
            guard value.isFinite, abs(value) < 0x1.fep127 else { continue }
            let truncated = UInt16(value.bitPattern >> 16)
            let down = Double(ReducedPrecision.bf16.decode(truncated))
            let up = Double(ReducedPrecision.bf16.decode(truncated + 1))
            let exact = Double(value)
            let expected: UInt16
            if abs(exact - down) != abs(up - exact) {
                expected = abs(exact - down) < abs(up - exact) ? truncated : truncated + 1
            } else {
                expected = truncated & 1 == 0 ? truncated : truncated + 1
            }
            let encoded = ReducedPrecision.bf16.encode(value)
            if encoded != expected {
                XCTFail("bf16(\(value)) = \(String(encoded, radix: 16)), expected \(String(expected, radix: 16))")
                return
            }
        }
    }
}
