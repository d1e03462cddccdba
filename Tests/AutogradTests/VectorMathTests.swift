import Foundation
import XCTest
@testable import Autograd

/// The SIMD kernels: exp's accuracy, the map helpers' tails, and the Double reductions.
final class VectorMathTests: XCTestCase {
    func testExpIsWithinAFewUlpOverItsRange() {
        // Every 1/64 over [-87, 88]: a few ulp of the correctly rounded value.
        var worst: Float = 0
        var x: Float = -87
        while x <= 88 {
            let expected = Float(Foundation.exp(Double(x)))
            let got = VectorMath.exp(x)
            worst = max(worst, abs(got - expected) / expected.ulp)
            x += 1.0 / 64
        }
        XCTAssertLessThanOrEqual(worst, 3, "error in ulp")
    }

    func testExpEdgeValues() {
        XCTAssertEqual(VectorMath.exp(0), 1)
        XCTAssertEqual(VectorMath.exp(1), Float(M_E), accuracy: Float(M_E).ulp * 2)
        // Beyond the clamp, results saturate at finite values instead of becoming inf or 0.
        XCTAssertTrue(VectorMath.exp(1000).isFinite)
        XCTAssertGreaterThan(VectorMath.exp(1000), 1e38)
        XCTAssertGreaterThan(VectorMath.exp(-1000), 0)
        XCTAssertLessThan(VectorMath.exp(-1000), 1e-37)
    }

    func testVectorAndScalarExpAgree() {
        let lanes = VectorMath.Vector(-3, -1.5, -0.1, 0, 0.3, 1, 2.5, 10)
        let v = VectorMath.exp(lanes)
        for i in 0..<8 { XCTAssertEqual(v[i], VectorMath.exp(lanes[i])) }
    }

    func testMapHelpersHandleTails() {
        for n in [0, 1, 7, 8, 9, 16, 19] {
            let a = (0..<n).map { Float($0) }, b = (0..<n).map { Float($0 * 2) }, c = (0..<n).map { Float(-$0) }
            var out1 = [Float](repeating: .nan, count: n)
            var out2 = out1, out3 = out1
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeBufferPointer { pc in
                        guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress else { return }
                        VectorMath.map(a, &out1, n) { $0 * 3 }
                        VectorMath.map2(a, b, &out2, n) { $0 + $1 }
                        VectorMath.map3(a, b, c, &out3, n) { $0 * $1 + $2 }
                    }
                }
            }
            XCTAssertEqual(out1, a.map { $0 * 3 }, "n = \(n)")
            XCTAssertEqual(out2, (0..<n).map { a[$0] + b[$0] }, "n = \(n)")
            XCTAssertEqual(out3, (0..<n).map { a[$0] * b[$0] + c[$0] }, "n = \(n)")
        }
    }

    func testMapMayWriteInPlace() {
        var x: [Float] = (0..<11).map(Float.init)
        x.withUnsafeMutableBufferPointer { p in VectorMath.map(p.baseAddress!, p.baseAddress!, 11) { $0 + 1 } }
        XCTAssertEqual(x, (1...11).map(Float.init))
    }

    func testSumsAccumulateInDouble() {
        let x: [Float] = [1e8, 1, -1e8, 1, 0.5, 0.25, 3]
        x.withUnsafeBufferPointer { p in
            XCTAssertEqual(VectorMath.sum(p.baseAddress!, x.count), 5.75)
            XCTAssertEqual(VectorMath.sumOfSquares(p.baseAddress!, 3), 2e16 + 1)
        }
        let one: [Float] = [42]
        one.withUnsafeBufferPointer { p in XCTAssertEqual(VectorMath.sum(p.baseAddress!, 0), 0, "an empty sum") }
    }
}
