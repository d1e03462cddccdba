import DataFormats
import Foundation
import XCTest

/// One test per class of bad safetensors input, each checking the exact message a user sees.
final class SafeTensorsErrorTests: XCTestCase {
    private let fileName = "w.safetensors"

    /// A file with `header` as its JSON and `dataSize` zero bytes of tensor data.
    private func file(header: String, dataSize: Int = 0) -> Data {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(header.utf8.count))
        bytes.append(header)
        bytes += [UInt8](repeating: 0, count: dataSize)
        return Data(bytes)
    }

    private func decode(_ data: Data) throws(DataFormatError) -> SafeTensorsFile {
        try SafeTensorsFile(decoding: data, file: fileName)
    }

    func testTruncatedLengthField() {
        assertThrows("w.safetensors: file is 5 bytes, shorter than the 8-byte header length; the file is truncated or not a safetensors file") {
            try decode(Data([1, 2, 3, 4, 5]))
        }
    }

    func testHeaderLengthOfTwoToTheSixtyIsRefusedBeforeAllocating() {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(1) << 60)
        bytes.append("{}")
        assertThrows("w.safetensors: header length 1152921504606846976 exceeds the 100 MB limit; the file is corrupt or not a safetensors file") {
            try decode(Data(bytes))
        }
    }

    func testHeaderLongerThanTheFile() {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(500))
        bytes.append("{}")
        assertThrows("w.safetensors: header length 500 runs past the end of the file (2 bytes follow it); the file is truncated") {
            try decode(Data(bytes))
        }
    }

    func testHeaderThatIsNotJSON() {
        assertThrows("w.safetensors: header is not valid JSON; the file is corrupt or not a safetensors file") {
            try decode(file(header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]"#, dataSize: 4))
        }
    }

    func testHeaderThatIsNotAnObject() {
        assertThrows("w.safetensors: header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}") {
            try decode(file(header: "[1, 2]"))
        }
    }

    func testOffsetsPastTheEndOfTheBuffer() {
        assertThrows("w.safetensors: tensor 'w': data_offsets [0, 400] run past the end of the 396-byte data buffer; the file is truncated or corrupt") {
            try decode(file(header: #"{"w":{"dtype":"F32","shape":[10,10],"data_offsets":[0,400]}}"#, dataSize: 396))
        }
    }

    func testOffsetsThatEndBeforeTheyBegin() {
        assertThrows("w.safetensors: tensor 'w': data_offsets [8, 4] end before they begin; the file is corrupt") {
            try decode(file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, dataSize: 8))
        }
    }

    func testOverlappingTensors() {
        let header = #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        assertThrows("w.safetensors: tensors 'a' and 'b' overlap in the data buffer (data_offsets [0, 8] and [4, 12]); the file is corrupt") {
            try decode(file(header: header, dataSize: 12))
        }
    }

    func testUnsupportedDtype() {
        assertThrows("w.safetensors: tensor 'w': unsupported dtype 'C64' (expected F32, F64, F16, BF16 or I64)") {
            try decode(file(header: #"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, dataSize: 8))
        }
    }

    func testShapeThatDoesNotMatchTheOffsets() {
        assertThrows("w.safetensors: tensor 'w': shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] hold 20; the file is corrupt") {
            try decode(file(header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, dataSize: 20))
        }
    }

    func testShapeWhoseProductOverflows() {
        assertThrows("w.safetensors: tensor 'w': shape [4294967296, 4294967296] has too many elements; the file is corrupt") {
            try decode(file(header: #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#))
        }
    }

    func testNegativeShape() {
        assertThrows("w.safetensors: tensor 'w': 'shape' is missing or not a list of non-negative integers") {
            try decode(file(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#))
        }
    }

    func testMissingOrMistypedFields() {
        assertThrows("w.safetensors: tensor 'w': 'dtype' is missing or not a string such as \"F32\"") {
            try decode(file(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, dataSize: 4))
        }
        assertThrows("w.safetensors: tensor 'w': 'data_offsets' is missing or not two non-negative integers [begin, end]") {
            try decode(file(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0.5,4]}}"#, dataSize: 4))
        }
        assertThrows("w.safetensors: tensor 'w': expected an object with 'dtype', 'shape' and 'data_offsets'") {
            try decode(file(header: #"{"w":[0,4]}"#, dataSize: 4))
        }
    }

    func testMetadataThatIsNotStrings() {
        assertThrows("w.safetensors: '__metadata__' must be an object mapping strings to strings, but 'epoch' is not a string") {
            try decode(file(header: #"{"__metadata__":{"epoch":3}}"#))
        }
    }

    func testControlCharactersInNamesAreEscapedInMessages() {
        assertThrows("w.safetensors: tensor 'a\\u{a}b': unsupported dtype 'U8' (expected F32, F64, F16, BF16 or I64)") {
            try decode(file(header: #"{"a\nb":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, dataSize: 1))
        }
    }

    func testMissingFileAndDirectory() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let missing = directory.appendingPathComponent("absent.safetensors")
        assertThrows("\(missing.path): no such file; check the path") {
            try SafeTensorsFile.read(contentsOf: missing)
        }
        assertThrows("\(directory.path): is a directory; pass the path of a data file") {
            try SafeTensorsFile.read(contentsOf: directory)
        }
    }
}
