@testable import DataFormats
import XCTest

final class ElementDecodingTests: XCTestCase {
    func testHalfConversionMatchesFloat16ForEveryBitPattern() throws {
        #if (os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64)
        throw XCTSkip("Float16 is unavailable on macOS for Intel")
        #else
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = ElementDecoding.float(fromHalf: bits)
            if expected.isNaN {
                XCTAssertTrue(actual.isNaN, "bits \(bits)")
            } else {
                XCTAssertEqual(actual.bitPattern, expected.bitPattern, "bits \(bits)")
            }
        }
        #endif
    }
}
