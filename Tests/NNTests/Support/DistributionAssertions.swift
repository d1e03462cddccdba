import XCTest

/// Checks that samples look drawn from a given distribution, with tolerances of five standard
/// errors: a correct initializer fails about once in 3.5 million runs, while the mistakes these
/// tests look for (a gain of √2 instead of 1, fan-in instead of fan-out, uniform instead of
/// normal) shift a statistic by 30 or more standard errors at the sizes used here.
enum DistributionAssertions {
    struct Moments {
        let count: Int
        let mean: Double
        /// The second moment about zero, which is the variance of a zero-mean distribution.
        let meanSquare: Double
        let minimum: Float
        let maximum: Float
    }

    static func moments(_ values: [Float]) -> Moments {
        var sum = 0.0, sumSquares = 0.0
        for v in values { sum += Double(v); sumSquares += Double(v) * Double(v) }
        let n = Double(max(values.count, 1))
        return Moments(count: values.count, mean: sum / n, meanSquare: sumSquares / n,
                       minimum: values.min() ?? 0, maximum: values.max() ?? 0)
    }

    /// Asserts U(−bound, bound): every value within the bound, both ends reached to within 1%
    /// (needs ≳ 1,000 samples), mean 0 and variance bound²/3 (Var(X²) = 4·bound⁴/45).
    static func assertUniform(_ values: [Float], bound: Float, _ what: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        let m = moments(values)
        let n = Double(m.count), b = Double(bound)
        XCTAssertGreaterThanOrEqual(m.minimum, -bound, "\(what): below −bound", file: file, line: line)
        XCTAssertLessThanOrEqual(m.maximum, bound, "\(what): above bound", file: file, line: line)
        XCTAssertLessThan(m.minimum, -0.99 * bound, "\(what): does not reach −bound", file: file, line: line)
        XCTAssertGreaterThan(m.maximum, 0.99 * bound, "\(what): does not reach bound", file: file, line: line)
        XCTAssertLessThan(abs(m.mean), 5 * b / (3 * n).squareRoot(), "\(what): mean \(m.mean)", file: file, line: line)
        let variance = b * b / 3
        let standardError = (4.0 / 45).squareRoot() * b * b / n.squareRoot()
        XCTAssertLessThan(abs(m.meanSquare - variance), 5 * standardError,
                          "\(what): variance \(m.meanSquare), expected \(variance)", file: file, line: line)
    }

    /// Asserts N(0, std²): mean 0, variance std² (Var(X²) = 2·std⁴), and the normal's share of
    /// samples within one std (68.27%, where a uniform of the same variance has 57.7%).
    static func assertNormal(_ values: [Float], std: Float, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        let m = moments(values)
        let n = Double(m.count), s = Double(std)
        XCTAssertLessThan(abs(m.mean), 5 * s / n.squareRoot(), "\(what): mean \(m.mean)", file: file, line: line)
        let standardError = 2.0.squareRoot() * s * s / n.squareRoot()
        XCTAssertLessThan(abs(m.meanSquare - s * s), 5 * standardError,
                          "\(what): variance \(m.meanSquare), expected \(s * s)", file: file, line: line)
        let inside = Double(values.filter { abs($0) < std }.count) / n
        let p = 0.682_689_5
        XCTAssertLessThan(abs(inside - p), 5 * (p * (1 - p) / n).squareRoot(),
                          "\(what): \(inside) of samples within one std", file: file, line: line)
    }
}
