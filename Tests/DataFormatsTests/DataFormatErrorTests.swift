import DataFormats
import XCTest

final class DataFormatErrorTests: XCTestCase {
    func testDescriptionIsFileThenMessage() {
        let error = DataFormatError(file: "inputs.npy", "unsupported dtype '<c8'")
        XCTAssertEqual(error.description, "inputs.npy: unsupported dtype '<c8'")
        XCTAssertEqual(error.file, "inputs.npy")
    }

    func testLineBreaksInMessagesBecomeSpaces() {
        // "\r\n" is one Character, so it becomes one space.
        let error = DataFormatError(file: "x.npy", "first\nsecond\r\nthird")
        XCTAssertEqual(error.description, "x.npy: first second third")
        XCTAssertEqual(error, DataFormatError(file: "x.npy", "first second third"))
        XCTAssertNotEqual(error, DataFormatError(file: "y.npy", "first second third"))
    }
}
