import XCTest
final class ReportingTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
