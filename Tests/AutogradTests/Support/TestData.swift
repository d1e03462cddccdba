import XCTest
@testable import Autograd

/// Deterministic inputs for the tests.
enum TestData {
    /// Uniform values in `low..<high`, from a generator seeded with `seed`.
    static func uniform(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1,
                        requiresGrad: Bool = true) -> Tensor {
        var g = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, generator: &g, requiresGrad: requiresGrad)
    }

    /// Values whose magnitude lies in `minimum..<maximum`, with random sign: for functions with a
    /// kink at 0 (relu, leaky relu, elu), so that x ± h never crosses it.
    static func awayFromZero(_ shape: [Int], seed: UInt64, minimum: Float = 0.1, maximum: Float = 2,
                             requiresGrad: Bool = true) -> Tensor {
        var g = RandomGenerator(seed: seed)
        let values = (0..<Shape.count(shape)).map { _ -> Float in
            let m = g.uniform(minimum, maximum)
            return g.next() & 1 == 0 ? m : -m
        }
        return Tensor(values, shape: shape, requiresGrad: requiresGrad)
    }
}

/// Asserts that two arrays have the same length and agree elementwise within
/// `absolute + relative·|expected|`.
func assertClose(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-6, relative: Float = 1e-5,
                 _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "count differs. \(message())", file: file, line: line)
    guard actual.count == expected.count else { return }
    for i in 0..<actual.count {
        let tolerance = absolute + relative * abs(expected[i])
        if !(abs(actual[i] - expected[i]) <= tolerance) {
            XCTFail("[\(i)] \(actual[i]) vs expected \(expected[i]). \(message())", file: file, line: line)
            return
        }
    }
}

/// Asserts a tensor's shape and scalars.
func assertTensor(_ t: Tensor, shape: [Int], _ expected: [Float], absolute: Float = 1e-6, relative: Float = 1e-5,
                  file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(t.shape, shape, "shape", file: file, line: line)
    assertClose(t.scalars, expected, absolute: absolute, relative: relative, file: file, line: line)
}
