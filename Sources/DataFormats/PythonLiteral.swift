/// A Python literal, as found in a `.npy` header: the subset `repr` of a dict of strings, booleans
/// and tuples of integers produces, plus lists and `None` so that odd headers fail with a clear
/// message rather than a parse error.
indirect enum PythonLiteral {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    /// Key-value pairs in source order; keys are string literals.
    case dict([(key: String, value: PythonLiteral)])

    /// Parses `text` as exactly one literal, optionally surrounded by whitespace.
    static func parse(_ text: some Collection<UInt8>) throws(PythonLiteralError) -> PythonLiteral {
        var parser = PythonLiteralParser(bytes: Array(text))
        return try parser.parseDocument()
    }
}

/// Why a Python literal could not be parsed; the message says where.
struct PythonLiteralError: Error {
    var message: String
}
