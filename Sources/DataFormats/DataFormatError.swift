/// An error in a data file a user handed ddp-train, or in writing one.
///
/// Every error names the file and says, in one line, what is wrong and how to fix it:
///
///     inputs.npy: unsupported dtype '<c8' (expected float32, float64, int32 or int64)
///
/// Parsers in this module throw nothing else, whatever bytes they are given.
public struct DataFormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path of the file, as the caller named it.
    public var file: String
    /// What is wrong and how to fix it, without the file name; a single line.
    public var message: String

    /// Creates an error for `file`; newlines in `message` are replaced so the error stays one line.
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message.replacingNewlines()
    }

    /// `file: message`, on one line.
    public var description: String { "\(file): \(message)" }
}

extension String {
    /// The string with line breaks replaced by spaces, so error messages stay on one line.
    func replacingNewlines() -> String {
        guard contains(where: \.isNewline) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }

    /// The string in single quotes, ready to quote a name or value taken from a file in an error
    /// message: control characters are escaped and long strings are cut short, because the bytes
    /// may be hostile and a message must stay one readable line.
    package var quotedForMessage: String {
        // The limit counts what is printed, escapes included: 60 NUL bytes would otherwise
        // print as 360 characters (found by scripts/fuzz.sh npy).
        "'" + oneLineForMessage(limit: 60) + "'"
    }

    /// The string ready to go, unquoted, into a one-line error message: control characters and
    /// line separators escaped (`\u{a}`), and cut to `limit` printed characters (escapes
    /// included) with "…". For text that comes from a file or a flag, or that quotes it (another
    /// error's description), since it may be hostile.
    package func oneLineForMessage(limit: Int) -> String {
        var out = ""
        var printed = 0
        for scalar in unicodeScalars {
            let v = scalar.value
            // C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
            let control = v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            let piece = control ? "\\u{\(String(v, radix: 16))}" : String(scalar)
            if printed + piece.unicodeScalars.count > limit {
                out += "…"
                break
            }
            out += piece
            printed += piece.unicodeScalars.count
        }
        return out
    }
}
