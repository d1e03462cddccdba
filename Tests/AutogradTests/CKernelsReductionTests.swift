import CKernels
import XCTest

/// `ck_sum_of_squares`: the squared norm behind gradient norms, clipping and the trainer's
/// non-finite check.
final class CKernelsReductionTests: XCTestCase {
    /// The definition, with the kernel's association: eight interleaved Double partial sums,
    /// added in lane order. The kernel must give exactly these bits.
    private func reference(_ x: [Float]) -> Double {
        var lanes = [Double](repeating: 0, count: 8)
        for (i, v) in x.enumerated() { lanes[i % 8] += Double(v) * Double(v) }
        return lanes.reduce(0, +)
    }

    func testSumOfSquaresMatchesItsDefinitionAtEveryLength() {
        for count in KernelHarness.lengths + [1000, 4097] {
            let x = (0..<count).map { Float(sin(Double($0) * 0.37)) * Float(1 + $0 % 5) }
            XCTAssertEqual(ck_sum_of_squares(x, x.count), reference(x), "length \(count)")
        }
        XCTAssertEqual(ck_sum_of_squares([3, 4], 2), 25)
        XCTAssertEqual(ck_sum_of_squares([], 0), 0)
    }

    /// Finite exactly when every element is: the largest floats' squares do not overflow.
    func testSumOfSquaresIsFiniteExactlyWhenEveryElementIs() {
        let big = [Float](repeating: .greatestFiniteMagnitude, count: 33)
        XCTAssertTrue(ck_sum_of_squares(big, big.count).isFinite)
        for bad: Float in [.nan, .infinity, -.infinity] {
            for position in [0, 7, 8, 16, 32] {
                var x = [Float](repeating: 1, count: 33)
                x[position] = bad
                XCTAssertFalse(ck_sum_of_squares(x, x.count).isFinite, "\(bad) at \(position)")
            }
        }
    }
}
