import XCTest

/// The index and values of the first element where `actual` and `expected` differ by more than
/// `absolute + relative·|expected|`, or nil when all agree (and the counts match).
func firstMismatch(_ actual: [Float], _ expected: [Float], relative: Float, absolute: Float)
    -> (index: Int, actual: Float, expected: Float)? {
    guard actual.count == expected.count else { return (-1, Float(actual.count), Float(expected.count)) }
    for i in actual.indices {
        // Written as !(… <= …) so that a NaN counts as a mismatch.
        if !(abs(actual[i] - expected[i]) <= absolute + relative * abs(expected[i])) {
            return (i, actual[i], expected[i])
        }
    }
    return nil
}

/// Asserts that two arrays have the same length and agree elementwise within
/// `absolute + relative·|expected|`; reports the first element that does not.
func assertClose(_ actual: [Float], _ expected: [Float], relative: Float = 1e-5, absolute: Float = 1e-6,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    if let m = firstMismatch(actual, expected, relative: relative, absolute: absolute) {
        if m.index < 0 {
            XCTFail("count \(actual.count) vs expected \(expected.count). \(message())", file: file, line: line)
        } else {
            XCTFail("[\(m.index)] \(m.actual) vs expected \(m.expected). \(message())", file: file, line: line)
        }
    }
}

/// Asserts |actual − expected| ≤ absolute + relative·|expected| for one Double.
func assertClose(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(abs(actual - expected) <= absolute + relative * abs(expected),
                  "\(actual) vs expected \(expected). \(message())", file: file, line: line)
}
