import Foundation

/// A numeric CSV file: a header row of column names, then one row of numbers per sample.
///
/// Fields are comma separated and may be padded with spaces or wrapped in double quotes. Every
/// cell must be a finite number; an empty cell, text, NaN or infinity is an error naming the line
/// and the column. Blank lines are skipped.
///
///     let table = try CSVTable.read(contentsOf: url)
///     let (features, targets) = try table.split(targetColumn: "label")
public struct CSVTable: Equatable, Sendable {
    /// The path errors name, as the caller gave it.
    public var file: String
    /// The header's column names, in file order.
    public var columnNames: [String]
    /// All cells, row after row (`rowCount` × `columnNames.count`).
    public var values: [Float]
    /// For each column, whether every cell was written as an integer (such as a class label).
    public var integerColumns: [Bool]

    /// Creates a table; `values.count` should be a multiple of `columnNames.count`.
    public init(file: String, columnNames: [String], values: [Float], integerColumns: [Bool]? = nil) {
        self.file = file
        self.columnNames = columnNames
        self.values = values
        self.integerColumns = integerColumns ?? Array(repeating: false, count: columnNames.count)
    }

    /// The number of data rows.
    public var rowCount: Int { columnNames.isEmpty ? 0 : values.count / columnNames.count }

    /// Reads and validates the CSV file at `url`.
    public static func read(contentsOf url: URL) throws(DataFormatError) -> CSVTable {
        try CSVTable(decoding: FileBytes.read(url), file: FileBytes.displayName(of: url))
    }

    /// Parses CSV bytes; `file` names the source in errors.
    public init(decoding data: Data, file: String) throws(DataFormatError) {
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(DataFormatError) -> CSVTable in
                var parser = CSVParser(bytes: bytes, file: file)
                return try parser.parse()
            }
        }
        self = try result.get()
    }

    /// The values of the column called `name`, top to bottom, or `nil` if there is none.
    public func column(named name: String) -> [Float]? {
        guard let index = columnNames.firstIndex(of: name) else { return nil }
        return stride(from: index, to: values.count, by: columnNames.count).map { values[$0] }
    }

    /// Splits the table into a feature matrix and the target column.
    ///
    /// - Returns: `features` of shape `[rowCount, columnNames.count - 1]` (the other columns, in
    ///   file order) and `targets` of shape `[rowCount]`, whose `elementType` is `.int64` when
    ///   every target cell was an integer (class labels) and `.float32` otherwise.
    /// - Throws: `DataFormatError` if there is no such column (listing the ones there are) or it
    ///   is the only column.
    public func split(targetColumn name: String) throws(DataFormatError) -> (features: ArrayData, targets: ArrayData) {
        guard let target = columnNames.firstIndex(of: name) else {
            throw DataFormatError(file: file, "no column named \(name.quotedForMessage) (available columns: \(availableColumns)); choose one with --target-column")
        }
        let width = columnNames.count
        guard width > 1 else {
            throw DataFormatError(file: file, "column \(name.quotedForMessage) is the only column, so there are no features; add feature columns")
        }
        var features: [Float] = []
        features.reserveCapacity(rowCount * (width - 1))
        var targets: [Float] = []
        targets.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            for column in 0..<width {
                let value = values[row * width + column]
                if column == target { targets.append(value) } else { features.append(value) }
            }
        }
        return (ArrayData(shape: [rowCount, width - 1], values: features),
                ArrayData(shape: [rowCount], values: targets,
                          elementType: isIntegerColumn(target) ? .int64 : .float32))
    }

    private func isIntegerColumn(_ column: Int) -> Bool {
        integerColumns.indices.contains(column) && integerColumns[column]
    }

    private var availableColumns: String {
        let limit = 20
        var listed = columnNames.prefix(limit).map(\.quotedForMessage)
        if columnNames.count > limit { listed.append("and \(columnNames.count - limit) more") }
        return listed.joined(separator: ", ")
    }

    /// The table as CSV text that `init(decoding:file:)` reads back to an equal table: names are
    /// quoted where needed, integer columns are written without a fraction, other values in
    /// the shortest form that round-trips.
    public func encoded() -> Data {
        var text = columnNames.map(Self.field(forName:)).joined(separator: ",") + "\n"
        let width = columnNames.count
        for row in 0..<rowCount {
            let cells = (0..<width).map { column -> String in
                let value = values[row * width + column]
                if isIntegerColumn(column), let integer = Int64(exactly: value) { return String(integer) }
                return value.description
            }
            text += cells.joined(separator: ",") + "\n"
        }
        return Data(text.utf8)
    }

    private static func field(forName name: String) -> String {
        let needsQuotes = name.contains { $0 == "," || $0 == "\"" || $0 == " " || $0 == "\t" }
        return needsQuotes ? "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"" : name
    }
}
