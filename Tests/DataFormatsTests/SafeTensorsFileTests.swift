import DataFormats
import Foundation
import XCTest

final class SafeTensorsFileTests: XCTestCase {
    func testWriteThenReadKeepsOrderShapesValuesAndMetadata() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("model.safetensors")
        let original = SafeTensorsFile(tensors: [
            .init(name: "z.weight", shape: [2, 3], values: [1, -2, 3.5, 0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]),
            .init(name: "scalar", shape: [], values: [42]),
            .init(name: "empty", shape: [0, 4], values: []),
            .init(name: "a.bias", shape: [4], values: [0.1, 0.2, 0.3, 0.4]),
        ], metadata: ["format": "pt", "epoch": "3"])
        try original.write(to: url)

        let read = try SafeTensorsFile.read(contentsOf: url)
        XCTAssertEqual(read, original)
        XCTAssertEqual(read.tensors.map(\.name), ["z.weight", "scalar", "empty", "a.bias"])
        XCTAssertEqual(read["a.bias"]?.values, [0.1, 0.2, 0.3, 0.4])
        XCTAssertNil(read["missing"])
    }

    func testEncodingMatchesThePythonLibraryByteForByte() throws {
        let url = try fixtureURL("reference/python-f32.safetensors")
        let original = try Data(contentsOf: url)
        let file = try SafeTensorsFile.read(contentsOf: url)
        XCTAssertEqual(file.tensors.map(\.name), ["a", "b"])
        XCTAssertEqual(file["a"], ArrayData(shape: [2, 2], values: [1, 1, 1, 1]))
        XCTAssertEqual(file["b"], ArrayData(shape: [3], values: [0, 1, 2]))
        XCTAssertEqual(file.metadata, ["format": "pt", "z": "1"])
        // Reading and writing again reproduces the file exactly, tensor data and header alike.
        XCTAssertEqual(try file.encoded(file: "copy.safetensors"), original)
    }

    func testReadsEveryDtypePythonWritesInDataOrder() throws {
        let file = try SafeTensorsFile.read(contentsOf: fixtureURL("reference/python-mixed.safetensors"))
        XCTAssertEqual(file.tensors.map(\.name), ["long", "double", "single", "half"])
        XCTAssertEqual(file["long"], ArrayData(shape: [2], values: [-5, 1_099_511_627_776], elementType: .int64))
        XCTAssertEqual(file["double"], ArrayData(shape: [1, 2], values: [0.1, 1e30], elementType: .float64))
        XCTAssertEqual(file["single"], ArrayData(shape: [], values: [2.5], elementType: .float32))
        XCTAssertEqual(file["half"], ArrayData(shape: [2], values: [1.5, -2], elementType: .float16))
        XCTAssertEqual(file["long"]?.isInteger, true)
        XCTAssertEqual(file["double"]?.isInteger, false)
        XCTAssertEqual(file.metadata, [:])
    }

    func testReadsHandBuiltBFloat16AndHalfWithPaddedHeader() throws {
        // What the Rust library writes: header padded with spaces to a multiple of 8.
        let header = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[6,12]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}"#
            + "    "
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(header.utf8.count))
        bytes.append(header)
        for bits: UInt16 in [0x3FC0, 0xC000, 0x7F80] { bytes.appendLittleEndian(bits) }  // 1.5, -2, +inf
        for bits: UInt16 in [0x0001, 0x7BFF, 0x8000] { bytes.appendLittleEndian(bits) }  // 2⁻²⁴, 65504, -0
        let file = try SafeTensorsFile(decoding: Data(bytes), file: "hand.safetensors")
        XCTAssertEqual(file.tensors.map(\.name), ["b", "h"])
        XCTAssertEqual(file["b"], ArrayData(shape: [3], values: [1.5, -2, .infinity], elementType: .bfloat16))
        XCTAssertEqual(file["h"]?.values, [0x1p-24, 65504, -0.0])
        XCTAssertEqual(file["h"]?.values.last?.sign, .minus)
    }

    func testHeaderIsCompactPaddedAndOmitsEmptyMetadata() throws {
        let file = SafeTensorsFile(tensors: [.init(name: "w", shape: [1], values: [1])])
        let bytes = [UInt8](try file.encoded(file: "w.safetensors"))
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(headerLength % 8, 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        XCTAssertEqual(header, #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + "  ")
        XCTAssertEqual(bytes.count, 8 + headerLength + 4)
    }

    func testNamesAndMetadataNeedingJSONEscapesRoundTrip() throws {
        let name = "odd \"name\" \\ with\nnewline, tab\t and ü"
        let file = SafeTensorsFile(tensors: [.init(name: name, shape: [1], values: [7])],
                                   metadata: ["note\u{1}": "a \"quoted\" value"])
        let read = try SafeTensorsFile(decoding: file.encoded(file: "x"), file: "x")
        XCTAssertEqual(read, file)
    }

    func testEncodingRefusesInconsistentTensors() {
        assertThrows("out.safetensors: tensor name 'w' appears twice; tensor names must be unique") {
            try SafeTensorsFile(tensors: [.init(name: "w", shape: [1], values: [1]),
                                          .init(name: "w", shape: [1], values: [2])]).encoded(file: "out.safetensors")
        }
        assertThrows("out.safetensors: tensor 'w': 5 values do not fill shape [2, 3]") {
            try SafeTensorsFile(tensors: [.init(name: "w", shape: [2, 3], values: [1, 2, 3, 4, 5])]).encoded(file: "out.safetensors")
        }
        assertThrows("out.safetensors: tensor name '__metadata__' is reserved for metadata; rename the tensor") {
            try SafeTensorsFile(tensors: [.init(name: "__metadata__", shape: [], values: [1])]).encoded(file: "out.safetensors")
        }
    }
}
