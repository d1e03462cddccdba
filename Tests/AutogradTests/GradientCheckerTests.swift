import XCTest
@testable import Autograd

/// Negative controls: the gradient checker must reject wrong gradients, or the passing checks
/// elsewhere prove nothing.
final class GradientCheckerTests: XCTestCase {
    let checker = GradientChecker()

    func testAcceptsTheTrueGradient() throws {
        let x = TestData.uniform([3, 4], seed: 1)
        let w = TestData.uniform([2, 4], seed: 2)
        let e = try XCTUnwrap(checker.evaluate([x, w]) { linear(x, weight: w, bias: nil) })
        for k in 0..<2 {
            XCTAssertTrue(checker.compare(analytic: e.analytic[k], numeric: e.numeric[k], floor: e.floor).passed)
        }
    }

    func testRejectsAGradientMultipliedByTwo() throws {
        let x = TestData.uniform([3, 4], seed: 1)
        let w = TestData.uniform([2, 4], seed: 2)
        let e = try XCTUnwrap(checker.evaluate([x, w]) { linear(x, weight: w, bias: nil) })
        for k in 0..<2 {
            let doubled = e.analytic[k].map { 2 * $0 }
            let result = checker.compare(analytic: doubled, numeric: e.numeric[k], floor: e.floor)
            // Every element is wrong by a factor of 2, so every element must be flagged.
            XCTAssertEqual(result.mismatches.count, e.numeric[k].count, "input \(k)")
        }
    }

    func testRejectsATransposedMatrixGradient() throws {
        // Square, so that the transposed gradient has the right shape and only the indexing is
        // wrong, the mistake a shape check cannot see.
        let a = TestData.uniform([4, 4], seed: 3)
        let b = TestData.uniform([4, 4], seed: 4)
        let e = try XCTUnwrap(checker.evaluate([a, b]) { a.matmul(b) })
        for k in 0..<2 {
            var transposed = e.analytic[k]
            for i in 0..<4 { for j in 0..<4 { transposed[i * 4 + j] = e.analytic[k][j * 4 + i] } }
            let result = checker.compare(analytic: transposed, numeric: e.numeric[k], floor: e.floor)
            XCTAssertFalse(result.passed, "input \(k)")
            // The diagonal is unchanged by a transpose; most of the 12 others must be caught.
            XCTAssertGreaterThanOrEqual(result.mismatches.count, 10, "input \(k)")
        }
    }

    func testRejectsASigmoidDerivativeThatForgetsOneFactor() throws {
        // A plausible slip: y instead of y·(1 − y). Check it against the numeric gradient.
        let x = TestData.uniform([10], seed: 5, low: -2, high: 2)
        let e = try XCTUnwrap(checker.evaluate([x]) { x.sigmoid() })
        let y = withoutGradients { x.sigmoid() }.scalars
        let wrong = (0..<10).map { Double(e.weights.scalars[$0]) * Double(y[$0]) }
        XCTAssertFalse(checker.compare(analytic: wrong, numeric: e.numeric[0], floor: e.floor).passed)
    }

    func testRejectsASmallRelativeError() {
        // 2 % off is forty times the relative tolerance.
        let numeric = [0.5, -1.25, 2.0]
        let result = checker.compare(analytic: numeric.map { $0 * 1.02 }, numeric: numeric, floor: 1e-5)
        XCTAssertEqual(result.mismatches.map(\.index), [0, 1, 2])
    }

    func testRejectsNaN() {
        let result = checker.compare(analytic: [.nan, 1], numeric: [1, 1], floor: 1e-5)
        XCTAssertEqual(result.mismatches.map(\.index), [0])
    }

    func testFloorIsFarBelowTheGradientsOfATypicalCheck() throws {
        let x = TestData.uniform([3, 4], seed: 1)
        let w = TestData.uniform([2, 4], seed: 2)
        let e = try XCTUnwrap(checker.evaluate([x, w]) { linear(x, weight: w, bias: nil) })
        XCTAssertLessThan(e.floor, 1e-3)
        let signal = checker.compare(analytic: e.analytic[0], numeric: e.numeric[0], floor: e.floor).signalToFloor
        XCTAssertGreaterThan(signal, 20)
    }
}
