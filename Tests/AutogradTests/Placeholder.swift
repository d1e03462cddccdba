import XCTest
final class AutogradTestsPlaceholder: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
