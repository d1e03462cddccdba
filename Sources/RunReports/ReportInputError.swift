import Training
/// A run directory or metrics file that `export-csv` or `report` cannot read: one line naming
/// the file (and line), what is wrong and what to do.
public struct ReportInputError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
