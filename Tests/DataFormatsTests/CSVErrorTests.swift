import DataFormats
import Foundation
import XCTest

/// One test per class of bad CSV input, each checking the exact message a user sees.
final class CSVErrorTests: XCTestCase {
    private func table(_ text: String) throws -> CSVTable {
        try CSVTable(decoding: Data(text.utf8), file: "data.csv")
    }

    func testNonNumericCellNamesTheLineAndColumn() {
        assertThrows("data.csv: line 4, column 'x3': 'abc' is not a number") {
            try table("x1,x2,x3\n1,2,3\n\n4,5,abc\n")
        }
    }

    func testMissingTargetColumnListsTheAvailableOnes() {
        assertThrows("data.csv: no column named 'y' (available columns: 'x1', 'x2', 'label'); choose one with --target-column") {
            try table("x1,x2,label\n1,2,0\n").split(targetColumn: "y")
        }
        let wide = (0..<25).map { "c\($0)" }.joined(separator: ",")
        let row = (0..<25).map { _ in "0" }.joined(separator: ",")
        let listed = (0..<20).map { "'c\($0)'" }.joined(separator: ", ")
        assertThrows("data.csv: no column named 'y' (available columns: \(listed), and 5 more); choose one with --target-column") {
            try table("\(wide)\n\(row)\n").split(targetColumn: "y")
        }
    }

    func testTargetThatIsTheOnlyColumn() {
        assertThrows("data.csv: column 'y' is the only column, so there are no features; add feature columns") {
            try table("y\n1\n").split(targetColumn: "y")
        }
    }

    func testRaggedRows() {
        assertThrows("data.csv: line 3: 2 fields but the header has 3 columns; every row needs one value per column") {
            try table("a,b,c\n1,2,3\n4,5\n")
        }
        assertThrows("data.csv: line 2: 4 fields but the header has 3 columns; every row needs one value per column") {
            try table("a,b,c\n1,2,3,\n")
        }
    }

    func testNaNInfinityOverflowAndEmptyCells() {
        assertThrows("data.csv: line 3, column 'b': NaN in the data; fill in or drop rows with missing values") {
            try table("a,b\n1,2\n3,nan\n")
        }
        assertThrows("data.csv: line 2, column 'a': infinity in the data; replace it with a finite number") {
            try table("a,b\n-Infinity,2\n")
        }
        assertThrows("data.csv: line 2, column 'b': '1e39' is outside the float32 range") {
            try table("a,b\n1,1e39\n")
        }
        assertThrows("data.csv: line 2, column 'b': empty cell (a missing value); fill it in or drop the row") {
            try table("a,b\n1, \"\" \n")
        }
    }

    func testEmptyFileAndHeaderOnly() {
        assertThrows("data.csv: file is empty; expected a header row of column names, then rows of numbers") {
            try table("")
        }
        assertThrows("data.csv: file is empty; expected a header row of column names, then rows of numbers") {
            try table("\u{FEFF}\n \r\n\t\n")
        }
        assertThrows("data.csv: no data rows after the header; add rows of numbers") {
            try table("a,b\n\n")
        }
    }

    func testDuplicateColumnNames() {
        assertThrows("data.csv: line 1: column name 'a' appears twice (columns 1 and 3); column names must be unique") {
            try table("a,b,a\n1,2,3\n")
        }
    }

    func testBrokenQuotes() {
        assertThrows("data.csv: line 2: unterminated quoted field; close the quote (quoted fields cannot span lines)") {
            try table("a,b\n\"1,2\n")
        }
        assertThrows("data.csv: line 2: unexpected text after a quoted field; put the comma right after the closing quote") {
            try table("a,b\n\"1\"2,3\n")
        }
    }
}
