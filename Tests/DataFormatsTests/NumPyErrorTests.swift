import DataFormats
import Foundation
import XCTest

/// One test per class of bad `.npy` input, each checking the exact message a user sees.
final class NumPyErrorTests: XCTestCase {
    private func decode(_ bytes: [UInt8]) throws(DataFormatError) -> ArrayData {
        try NumPyFile.decode(Data(bytes), file: "inputs.npy")
    }

    private func decode(header: String, data: [UInt8] = []) throws(DataFormatError) -> ArrayData {
        try decode(NumPyTestBytes.file(header: header, data: data))
    }

    func testTruncatedPreamble() {
        assertThrows("inputs.npy: file is 7 bytes, too short for a .npy header; the file is truncated or not a .npy file") {
            try decode([0x93] + Array("NUMPY".utf8) + [1])
        }
        assertThrows("inputs.npy: file is 11 bytes, too short for a version 2.0 .npy header; the file is truncated") {
            try decode([0x93] + Array("NUMPY".utf8) + [2, 0, 1, 0, 0])
        }
    }

    func testBadMagic() {
        assertThrows("inputs.npy: not a .npy file (it does not start with \\x93NUMPY); save arrays with numpy.save") {
            try decode(Array("PK\u{3}\u{4} this is a zip".utf8))
        }
    }

    func testUnsupportedVersion() {
        assertThrows("inputs.npy: unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)") {
            try decode(NumPyTestBytes.file(header: "{}", major: 4))
        }
    }

    func testHeaderLengthPastTheEnd() {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
        bytes.appendLittleEndian(UInt32.max)
        bytes.append("{'descr': '<f4'")
        assertThrows("inputs.npy: header length 4294967295 runs past the end of the 27-byte file; the file is truncated") {
            try decode(bytes)
        }
    }

    func testMalformedDictLiterals() {
        assertThrows("inputs.npy: header is not a valid Python dict literal (expected ':' after key 'descr' but found \"'\" at offset 9); the file is corrupt") {
            try decode(header: "{'descr' '<f4'}")
        }
        assertThrows("inputs.npy: header is not a valid Python dict literal (unexpected name 'float32' at offset 10); the file is corrupt") {
            try decode(header: "{'descr': float32}")
        }
        assertThrows("inputs.npy: header is not a valid Python dict literal (unterminated string at offset 11); the file is corrupt") {
            try decode(NumPyTestBytes.file(header: "{'descr': '", pad: false))
        }
        assertThrows("inputs.npy: header is not a valid Python dict literal (integer at offset 1 is too large); the file is corrupt") {
            try decode(header: "(99999999999999999999,)")
        }
        assertThrows("inputs.npy: header is not a valid Python dict literal (literals nested more than 32 deep at offset 32); the file is corrupt") {
            try decode(header: String(repeating: "(", count: 10_000))
        }
        assertThrows("inputs.npy: header is not a valid Python dict literal (unexpected 'x' after the literal at offset 3); the file is corrupt") {
            try decode(header: "{} x")
        }
    }

    func testHeaderThatIsNotADict() {
        assertThrows("inputs.npy: header is not a dict with 'descr', 'fortran_order' and 'shape'; the file is corrupt") {
            try decode(header: "[1, 2]")
        }
    }

    func testMissingKeys() {
        assertThrows("inputs.npy: header has no string 'descr' (the dtype); the file is corrupt") {
            try decode(header: "{'fortran_order': False, 'shape': (1,)}")
        }
        assertThrows("inputs.npy: header has no boolean 'fortran_order'; the file is corrupt") {
            try decode(header: "{'descr': '<f4', 'shape': (1,)}")
        }
        assertThrows("inputs.npy: header 'shape' is missing or not a tuple of non-negative integers such as (100, 3); the file is corrupt") {
            try decode(header: "{'descr': '<f4', 'fortran_order': False}")
        }
        assertThrows("inputs.npy: header 'shape' is missing or not a tuple of non-negative integers such as (100, 3); the file is corrupt") {
            try decode(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}")
        }
    }

    func testUnsupportedDtypes() throws {
        assertThrows("inputs.npy: unsupported dtype '<c8' (expected float16, float32, float64, int32 or int64); convert with a.astype(numpy.float32)") {
            try decode(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", data: [UInt8](repeating: 0, count: 8))
        }
        let bool = try fixtureURL("reference/numpy-bool.npy")
        assertThrows("\(bool.path): unsupported dtype '|b1' (expected float16, float32, float64, int32 or int64); convert with a.astype(numpy.float32)") {
            try NumPyFile.read(contentsOf: bool)
        }
        let bigEndian = try fixtureURL("reference/numpy-big-endian.npy")
        assertThrows("\(bigEndian.path): big-endian dtype '>f4' is not supported; convert with a.astype(a.dtype.newbyteorder('<'))") {
            try NumPyFile.read(contentsOf: bigEndian)
        }
        assertThrows("inputs.npy: structured dtypes are not supported; save a plain numeric array") {
            try decode(header: "{'descr': [('x', '<f4'), ('y', '<i8')], 'fortran_order': False, 'shape': (1,)}")
        }
    }

    func testFortranOrder() throws {
        let url = try fixtureURL("reference/numpy-fortran.npy")
        assertThrows("\(url.path): array is in Fortran order (fortran_order is True); save it in C order with numpy.save(path, numpy.ascontiguousarray(a))") {
            try NumPyFile.read(contentsOf: url)
        }
    }

    func testDataShorterOrLongerThanTheShape() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        assertThrows("inputs.npy: shape (2, 3) of float32 needs 24 bytes of data but the file holds 20; the file is truncated") {
            try decode(header: header, data: [UInt8](repeating: 0, count: 20))
        }
        assertThrows("inputs.npy: shape (2, 3) of float32 needs 24 bytes of data but the file holds 28; the file holds more than one array or the shape is wrong") {
            try decode(header: header, data: [UInt8](repeating: 0, count: 28))
        }
    }

    func testShapeLargerThanTheFileOrOverflowing() {
        assertThrows("inputs.npy: shape (1000000000000,) of float64 needs 8000000000000 bytes of data but the file holds 0; the file is truncated") {
            try decode(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }")
        }
        assertThrows("inputs.npy: shape (4294967296, 4294967296) has too many elements; the file is corrupt") {
            try decode(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }")
        }
        assertThrows("inputs.npy: shape (2305843009213693952,) has too many elements; the file is corrupt") {
            try decode(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }")
        }
    }
}
