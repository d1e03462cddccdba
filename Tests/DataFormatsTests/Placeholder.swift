import XCTest
final class DataFormatsTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
