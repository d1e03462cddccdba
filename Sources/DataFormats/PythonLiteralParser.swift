/// A recursive-descent parser for `PythonLiteral`.
///
/// The input is hostile: every loop advances, integers are overflow-checked and nesting is capped
/// so that a header of ten thousand `(` cannot exhaust the stack.
struct PythonLiteralParser {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private static let maximumDepth = 32

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(PythonLiteralError) -> PythonLiteral {
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else {
            throw failure("unexpected \(describeCurrent()) after the literal")
        }
        return value
    }

    private mutating func parseValue() throws(PythonLiteralError) -> PythonLiteral {
        skipWhitespace()
        guard let byte = current else { throw failure("unexpected end of header") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
            guard depth < Self.maximumDepth else {
                throw failure("literals nested more than \(Self.maximumDepth) deep")
            }
            depth += 1
            defer { depth -= 1 }
            switch byte {
            case UInt8(ascii: "{"): return try parseDict()
            case UInt8(ascii: "("): return try parseParenthesized()
            default: return .list(try parseSequence(closing: UInt8(ascii: "]")).elements)
            }
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            return try parseName()
        }
    }

    private mutating func parseDict() throws(PythonLiteralError) -> PythonLiteral {
        position += 1  // "{"
        var pairs: [(key: String, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .dict(pairs)
            }
            guard current == UInt8(ascii: "'") || current == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key or '}' but found \(describeCurrent())")
            }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after key \(key.quotedForMessage) but found \(describeCurrent())") }
            position += 1
            pairs.append((key, try parseValue()))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current != UInt8(ascii: "}") {
                throw failure("expected ',' or '}' but found \(describeCurrent())")
            }
        }
    }

    /// `(x)` is `x` in Python; only a comma makes a tuple, as in `(100,)`.
    private mutating func parseParenthesized() throws(PythonLiteralError) -> PythonLiteral {
        let (elements, sawComma) = try parseSequence(closing: UInt8(ascii: ")"))
        if elements.count == 1 && !sawComma { return elements[0] }
        return .tuple(elements)
    }

    /// Parses comma-separated values up to `closing`, allowing a trailing comma.
    private mutating func parseSequence(closing: UInt8) throws(PythonLiteralError) -> (elements: [PythonLiteral], sawComma: Bool) {
        position += 1  // the opening bracket
        var elements: [PythonLiteral] = []
        var sawComma = false
        while true {
            skipWhitespace()
            if current == closing {
                position += 1
                return (elements, sawComma)
            }
            elements.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                sawComma = true
            } else if current != closing {
                throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))' but found \(describeCurrent())")
            }
        }
    }

    private mutating func parseString() throws(PythonLiteralError) -> String {
        let quote = bytes[position]
        position += 1
        var content: [UInt8] = []
        while let byte = current {
            position += 1
            if byte == quote { return String(decoding: content, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\"), let escaped = current {
                position += 1
                content.append(escaped)
            } else {
                content.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseInteger() throws(PythonLiteralError) -> Int {
        let start = position
        var negative = false
        if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
            negative = current == UInt8(ascii: "-")
            position += 1
        }
        var value = 0
        var digits = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { throw PythonLiteralError(message: "integer at offset \(start) is too large") }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw failure("expected digits after the sign") }
        // Python 2's numpy wrote long integers as `3L`.
        if current == UInt8(ascii: "L") { position += 1 }
        return negative ? -value : value
    }

    private mutating func parseName() throws(PythonLiteralError) -> PythonLiteral {
        let start = position
        while let byte = current, isNameByte(byte) { position += 1 }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        switch name {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        case "": position = start; throw failure("unexpected \(describeCurrent())")
        default: throw PythonLiteralError(message: "unexpected name \(name.quotedForMessage) at offset \(start)")
        }
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private func describeCurrent() -> String {
        guard let byte = current else { return "end of header" }
        if byte == UInt8(ascii: "'") { return "\"'\"" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    private func failure(_ message: String) -> PythonLiteralError {
        PythonLiteralError(message: "\(message) at offset \(position)")
    }
}
