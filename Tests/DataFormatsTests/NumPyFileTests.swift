import DataFormats
import Foundation
import XCTest

final class NumPyFileTests: XCTestCase {
    private func readReference(_ name: String) throws -> ArrayData {
        try NumPyFile.read(contentsOf: fixtureURL("reference/\(name)"))
    }

    func testReadsFilesWrittenByNumPy() throws {
        XCTAssertEqual(try readReference("numpy-f32.npy"), ArrayData(shape: [2, 3], values: [0, 1, 2, 3, 4, 5]))
        XCTAssertEqual(try readReference("numpy-f8-3d.npy"),
                       ArrayData(shape: [2, 3, 4], values: (0..<24).map { Float($0) / 8 - 1 }, elementType: .float64))
        XCTAssertEqual(try readReference("numpy-f2.npy"),
                       ArrayData(shape: [4], values: [1.5, -0.25, 65504, 0x1p-24], elementType: .float16))
        XCTAssertEqual(try readReference("numpy-i4.npy"), ArrayData(shape: [2], values: [-3, 70000], elementType: .int32))
        XCTAssertEqual(try readReference("numpy-scalar.npy"), ArrayData(shape: [], values: [3.5]))
        XCTAssertEqual(try readReference("numpy-empty.npy"), ArrayData(shape: [0, 3], values: []))
    }

    func testIntegerLabelsAreReportedAsIntegers() throws {
        let labels = try readReference("numpy-i8-labels.npy")
        XCTAssertEqual(labels, ArrayData(shape: [5], values: [0, 2, 1, 2, 9], elementType: .int64))
        XCTAssertTrue(labels.isInteger)
        XCTAssertFalse(try readReference("numpy-f32.npy").isInteger)
    }

    func testReadsFormatVersionsTwoAndThree() throws {
        XCTAssertEqual(try readReference("numpy-v2.npy"), ArrayData(shape: [2, 2], values: [1, 2, 3, 4]))
        XCTAssertEqual(try readReference("numpy-v3.npy"), ArrayData(shape: [1], values: [7.25], elementType: .float64))
    }

    func testWriterMatchesNumPyByteForByte() throws {
        let reference = try Data(contentsOf: fixtureURL("reference/numpy-f32.npy"))
        let encoded = try NumPyFile.encode(ArrayData(shape: [2, 3], values: [0, 1, 2, 3, 4, 5]), file: "x.npy")
        XCTAssertEqual(encoded, reference)
    }

    func testWriteThenReadRoundTripsEveryRank() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let arrays = [
            ArrayData(shape: [], values: [-1.25]),
            ArrayData(shape: [3], values: [1, .ulpOfOne, -.infinity]),
            ArrayData(shape: [0], values: []),
            ArrayData(shape: [2, 1, 3], values: [1, 2, 3, 4, 5, 6]),
            ArrayData(shape: [100_000_000_000, 0], values: []),
        ]
        for (index, array) in arrays.enumerated() {
            let url = directory.appendingPathComponent("a\(index).npy")
            try NumPyFile.write(array, to: url)
            let bytes = try Data(contentsOf: url)
            XCTAssertEqual((bytes.count - array.values.count * 4) % 64, 0, "data is 64-byte aligned")
            XCTAssertEqual(try NumPyFile.read(contentsOf: url), array)
        }
    }

    func testHandBuiltHeaderAsNumPyWritesIt() throws {
        let bytes = NumPyTestBytes.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                                        data: NumPyTestBytes.float64s([0.5, -3]))
        XCTAssertEqual(bytes.count % 64, 16)
        XCTAssertEqual(try NumPyFile.decode(Data(bytes), file: "h.npy"),
                       ArrayData(shape: [2], values: [0.5, -3], elementType: .float64))
    }

    func testHeaderDictSpellingVariants() throws {
        let data = NumPyTestBytes.float32s([1, 2, 3, 4, 5, 6])
        let headers = [
            "{'descr':'<f4','fortran_order':False,'shape':(2,3)}",                 // no spaces
            "{ 'shape' : ( 2 , 3 , ) , 'fortran_order' : False , 'descr' : '<f4' , }", // any order, spaces
            "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}",   // double quotes
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",       // Python 2 longs
            "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], 'shape': (2, 3)}", // last key wins
        ]
        for header in headers {
            XCTAssertEqual(try NumPyFile.decode(Data(NumPyTestBytes.file(header: header, data: data)), file: "v.npy"),
                           ArrayData(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), header)
        }
        // A one-dimensional array is laid out the same in Fortran and C order.
        let fortranVector = NumPyTestBytes.file(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 1), }",
                                                data: NumPyTestBytes.float32s([7, 8, 9]))
        XCTAssertEqual(try NumPyFile.decode(Data(fortranVector), file: "v.npy").values, [7, 8, 9])
        // Without a comma, `(6)` is just 6 in Python, not a tuple.
        let notTuple = NumPyTestBytes.file(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (6)}", data: data)
        assertThrows("v.npy: header 'shape' is missing or not a tuple of non-negative integers such as (100, 3); the file is corrupt") {
            try NumPyFile.decode(Data(notTuple), file: "v.npy")
        }
    }

    func testEncodeRefusesValuesThatDoNotFillTheShape() {
        assertThrows("out.npy: 5 values do not fill shape (2, 3)") {
            try NumPyFile.encode(ArrayData(shape: [2, 3], values: [1, 2, 3, 4, 5]), file: "out.npy")
        }
    }
}
