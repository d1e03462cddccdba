/// Why a report could not be written.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// The report file could not be written.
    case cannotWrite(path: String, reason: String)

    /// The failure, naming the file.
    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "cannot write report \(path): \(reason). Check that its directory exists and is writable."
        }
    }
}
