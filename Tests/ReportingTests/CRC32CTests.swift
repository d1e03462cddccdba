import XCTest
@testable import Reporting

final class CRC32CTests: XCTestCase {
    func testStandardCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    func testEmptyInput() {
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
    }

    func testMaskedValuesMatchTensorBoardsPythonImplementation() {
        // Values printed by tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c.
        XCTAssertEqual(CRC32C.maskedChecksum(Array("123456789".utf8)), 0xC78A_B0E5)
        XCTAssertEqual(CRC32C.maskedChecksum([UInt8]()), 0xA282_EAD8)
    }

    func testUnmaskInvertsMask() {
        for crc: UInt32 in [0, 1, 0xE306_9283, 0xFFFF_FFFF, 0x8000_0000] {
            XCTAssertEqual(CRC32C.unmask(CRC32C.mask(crc)), crc)
        }
        XCTAssertNotEqual(CRC32C.mask(0xE306_9283), 0xE306_9283)
    }
}
