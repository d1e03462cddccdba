import DataFormats
import Foundation
import XCTest

final class CSVTableTests: XCTestCase {
    private func table(_ text: String) throws -> CSVTable {
        try CSVTable(decoding: Data(text.utf8), file: "data.csv")
    }

    func testReadsSpacesQuotesBlankLinesCRLFAndByteOrderMark() throws {
        let csv = "\u{FEFF}x1, \"x 2\" ,label\r\n1, 2.5 ,0\r\n\r\n\"-3e2\",.5,1\n  \n+4,5.,2"
        let table = try table(csv)
        XCTAssertEqual(table.columnNames, ["x1", "x 2", "label"])
        XCTAssertEqual(table.rowCount, 3)
        XCTAssertEqual(table.values, [1, 2.5, 0, -300, 0.5, 1, 4, 5, 2])
        XCTAssertEqual(table.integerColumns, [false, false, true])
        XCTAssertEqual(table.column(named: "x 2"), [2.5, 0.5, 5])
        XCTAssertNil(table.column(named: "x2"))
    }

    func testSplitSeparatesFeaturesFromIntegerLabels() throws {
        let (features, targets) = try table("a,label,b\n1,0,2\n3,1,4\n5,2,6\n").split(targetColumn: "label")
        XCTAssertEqual(features, ArrayData(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(targets, ArrayData(shape: [3], values: [0, 1, 2], elementType: .int64))
        XCTAssertTrue(targets.isInteger)
    }

    func testSplitKeepsRealValuedTargetsAsFloat() throws {
        let (features, targets) = try table("y,x\n0.5,1\n-1,2\n").split(targetColumn: "y")
        XCTAssertEqual(features, ArrayData(shape: [2, 1], values: [1, 2]))
        XCTAssertEqual(targets, ArrayData(shape: [2], values: [0.5, -1], elementType: .float32))
    }

    func testEncodedTableReadsBackEqual() throws {
        let original = CSVTable(file: "data.csv", columnNames: ["plain", "with, comma", "with \"quote\"", "label"],
                                values: [0.1, -1e-7, 3.4028235e38, 3, 1.0 / 3, 0, 2, 7],
                                integerColumns: [false, false, false, true])
        let read = try CSVTable(decoding: original.encoded(), file: "data.csv")
        XCTAssertEqual(read, original)
        XCTAssertEqual(String(decoding: original.encoded(), as: UTF8.self).split(separator: "\n").last, "0.33333334,0.0,2.0,7")
    }

    func testReadsFromAFile() throws {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("train.csv")
        try Data("f,t\n1,2\n".utf8).write(to: url)
        let table = try CSVTable.read(contentsOf: url)
        XCTAssertEqual(table.file, url.path)
        XCTAssertEqual(table.values, [1, 2])
    }
}
