import Training
/// A run directory or metrics file that `export-csv` or `report` cannot read: one line naming
/// the file (and line), what is wrong and what to do.
public struct ReportInputError: Error, CustomStringConvertible, Equatable {
    /// The whole message, ready to print.
    public let message: String
    /// An error with the given one-line message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
