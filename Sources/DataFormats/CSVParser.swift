import Foundation

/// Parses the CSV subset `CSVTable` reads: a header row, then rows of numbers, comma separated.
///
/// Fields may be surrounded by spaces and by double quotes (`""` inside quotes is a literal quote);
/// quoted fields cannot span lines. Works on the raw bytes in one pass, so a large file is parsed
/// without first being split into strings.
struct CSVParser {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private var lineNumber = 0
    /// The byte ranges of the current line's fields, reused from line to line.
    private var fields: [Range<Int>] = []

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    mutating func parse() throws(DataFormatError) -> CSVTable {
        var lines = LineSequence(bytes: bytes)
        // Skip a UTF-8 byte order mark, which spreadsheet programs like to write.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            lines.position = 3
        }
        guard let headerLine = nextNonBlankLine(&lines) else {
            throw DataFormatError(file: file, "file is empty; expected a header row of column names, then rows of numbers")
        }
        try split(headerLine)
        let names = fields.map(text(of:))
        try checkUnique(names)

        var values: [Float] = []
        var integerColumns = [Bool](repeating: true, count: names.count)
        while let line = nextNonBlankLine(&lines) {
            try split(line)
            guard fields.count == names.count else {
                throw error("\(fields.count) fields but the header has \(names.count) columns; every row needs one value per column")
            }
            for (column, field) in fields.enumerated() {
                values.append(try number(in: field, column: names[column]))
                if integerColumns[column] && !isIntegerLiteral(field) { integerColumns[column] = false }
            }
        }
        guard !values.isEmpty else {
            throw DataFormatError(file: file, "no data rows after the header; add rows of numbers")
        }
        return CSVTable(file: file, columnNames: names, values: values, integerColumns: integerColumns)
    }

    private mutating func nextNonBlankLine(_ lines: inout LineSequence) -> Range<Int>? {
        while let line = lines.next() {
            lineNumber += 1
            if !trimmed(line).isEmpty { return line }
        }
        return nil
    }

    /// Splits `line` into `fields`, each trimmed of spaces and of its quotes if it has them.
    private mutating func split(_ line: Range<Int>) throws(DataFormatError) {
        fields.removeAll(keepingCapacity: true)
        var position = line.lowerBound
        while true {
            while position < line.upperBound && isSpace(bytes[position]) { position += 1 }
            var field: Range<Int>
            if position < line.upperBound && bytes[position] == UInt8(ascii: "\"") {
                let start = position + 1
                position = start
                while true {
                    guard position < line.upperBound else {
                        throw error("unterminated quoted field; close the quote (quoted fields cannot span lines)")
                    }
                    if bytes[position] == UInt8(ascii: "\"") {
                        if position + 1 < line.upperBound && bytes[position + 1] == UInt8(ascii: "\"") {
                            position += 2
                            continue
                        }
                        break
                    }
                    position += 1
                }
                field = start..<position
                position += 1
                while position < line.upperBound && isSpace(bytes[position]) { position += 1 }
                guard position == line.upperBound || bytes[position] == UInt8(ascii: ",") else {
                    throw error("unexpected text after a quoted field; put the comma right after the closing quote")
                }
            } else {
                let start = position
                while position < line.upperBound && bytes[position] != UInt8(ascii: ",") { position += 1 }
                field = trimmed(start..<position)
            }
            fields.append(field)
            guard position < line.upperBound else { return }
            position += 1  // the comma
        }
    }

    private func checkUnique(_ names: [String]) throws(DataFormatError) {
        var firstColumn: [String: Int] = [:]
        for (column, name) in names.enumerated() {
            if let first = firstColumn[name] {
                throw error("column name \(name.quotedForMessage) appears twice (columns \(first + 1) and \(column + 1)); column names must be unique")
            }
            firstColumn[name] = column
        }
    }

    private func number(in field: Range<Int>, column: String) throws(DataFormatError) -> Float {
        guard !field.isEmpty else {
            throw error(column: column, "empty cell (a missing value); fill it in or drop the row")
        }
        let text = self.text(of: field)
        guard let value = Float(text) else {
            throw error(column: column, "\(text.quotedForMessage) is not a number")
        }
        if value.isNaN {
            throw error(column: column, "NaN in the data; fill in or drop rows with missing values")
        }
        if value.isInfinite {
            if text.lowercased().contains("inf") {
                throw error(column: column, "infinity in the data; replace it with a finite number")
            }
            throw error(column: column, "\(text.quotedForMessage) is outside the float32 range")
        }
        return value
    }

    /// Whether the field is an optionally signed run of digits, such as a class label.
    private func isIntegerLiteral(_ field: Range<Int>) -> Bool {
        var position = field.lowerBound
        if position < field.upperBound && (bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+")) {
            position += 1
        }
        guard position < field.upperBound else { return false }
        return bytes[position..<field.upperBound].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The field's text, with a quoted field's doubled quotes undone.
    private func text(of field: Range<Int>) -> String {
        let raw = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field]), as: UTF8.self)
        return raw.contains("\"\"") ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }

    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Spaces, tabs and the `\r` of Windows line endings.
    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// An error at the current line, and at `column` if the problem is in one cell.
    private func error(column: String? = nil, _ message: String) -> DataFormatError {
        let place = column.map { "line \(lineNumber), column \($0.quotedForMessage)" } ?? "line \(lineNumber)"
        return DataFormatError(file: file, "\(place): \(message)")
    }
}
