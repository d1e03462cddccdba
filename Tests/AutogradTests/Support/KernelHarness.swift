import Foundation
import XCTest

/// Inputs and bookkeeping for the CKernels tests.
enum KernelHarness {
    /// Lengths around the vector widths (4, 8, 16 lanes), so that every kernel runs its
    /// vector loop, its remainder, or both.
    static let lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 100, 131]

    /// Values every elementwise kernel must get right: signed zeros, NaN, infinities, tiny and
    /// huge magnitudes, the exp clamp's edges, and ordinary values.
    static let special: [Float] = [
        0, -0.0, .nan, .infinity, -.infinity, 1, -1, 0.5, -0.5, 1e-30, -1e-30, .leastNonzeroMagnitude,
        -.leastNonzeroMagnitude, 20, -20, 87, -87, 87.3, -87.3, 88.3, -88.3, 89, -89, 100, -100,
        1000, -1000, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.693_147_2, -0.693_147_2,
    ]

    /// `count` inputs: the special values first (repeated as needed), so each length puts them
    /// at different lanes, then a sweep of [-90, 90].
    static func inputs(_ count: Int, seed: Int = 0) -> [Float] {
        (0..<count).map { i in
            let k = i + seed
            return k % 3 == 0 ? special[(k / 3) % special.count] : Float(k % 181) - 90 + Float(k % 7) / 7
        }
    }

    /// Runs `body` on a copy of `values` embedded between guard scalars, and checks that the
    /// kernel wrote nothing outside `count` elements. Returns what it left inside.
    static func guarded(_ values: [Float], file: StaticString = #filePath, line: UInt = #line,
                        _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        let pad = 17, sentinel: Float = -12_345.5
        var buffer = [Float](repeating: sentinel, count: values.count + 2 * pad)
        buffer.replaceSubrange(pad..<(pad + values.count), with: values)
        buffer.withUnsafeMutableBufferPointer { body($0.baseAddress! + pad) }
        let outside = buffer[..<pad] + buffer[(pad + values.count)...]
        XCTAssertTrue(outside.allSatisfy { $0 == sentinel }, "kernel wrote past its \(values.count) elements",
                      file: file, line: line)
        return Array(buffer[pad..<(pad + values.count)])
    }

    /// Whether `a` and `b` are the same, counting any NaN as equal to any NaN.
    static func same(_ a: Float, _ b: Float) -> Bool { a == b || (a.isNaN && b.isNaN) }

    /// |got − expected| in units of expected's ulp (0 when equal, infinity when one is NaN).
    static func ulps(_ got: Float, _ expected: Double) -> Double {
        if got.isNaN || expected.isNaN { return got.isNaN && expected.isNaN ? 0 : .infinity }
        if Double(got) == expected { return 0 }
        let e = Float(expected)
        return abs(Double(got) - expected) / Double(e.ulp)
    }
}
