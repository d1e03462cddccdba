import DataFormats
import Foundation
import XCTest

/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64), so every fuzz run
/// replays the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The URL of a file under the test bundle's Fixtures folder.
func fixtureURL(_ relativePath: String) throws -> URL {
    let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return fixtures.appendingPathComponent(relativePath)
}

/// A fresh empty directory, removed when the test ends.
func makeTemporaryDirectory(for testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("DataFormatsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Asserts that `body` throws a `DataFormatError` whose description is exactly `expected`.
func assertThrows<T>(_ expected: String, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> T) {
    do {
        let value = try body()
        XCTFail("expected the error \"\(expected)\" but got \(value)", file: file, line: line)
    } catch let error as DataFormatError {
        XCTAssertEqual(error.description, expected, file: file, line: line)
    } catch {
        XCTFail("expected a DataFormatError but got \(type(of: error)): \(error)", file: file, line: line)
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        append(contentsOf: Array(text.utf8))
    }
}
