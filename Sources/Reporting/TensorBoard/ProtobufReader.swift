import Foundation

/// A minimal protocol-buffer decoder over a byte slice, bounded by the slice.
///
/// Every length is checked against the bytes that remain, so damaged input gives a
/// `ProtobufReader.Failure`, never an out-of-range read.
struct ProtobufReader {
    /// Why a message could not be decoded; `detail` says what was wrong and where.
    struct Failure: Error {
        var detail: String
    }

    /// One field header: its number and wire type.
    struct FieldHeader {
        var field: Int
        var wireType: UInt64
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next field header, or nil at the end of the message.
    mutating func nextField() throws(Failure) -> FieldHeader? {
        guard !isAtEnd else { return nil }
        let key = try readVarint()
        let field = key >> 3
        guard field > 0, field <= 536_870_911 else {
            throw Failure(detail: "invalid field number \(field) at byte \(offset)")
        }
        return FieldHeader(field: Int(field), wireType: key & 7)
    }

    mutating func readVarint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard position < bytes.endIndex else {
                throw Failure(detail: "varint runs past the end of the message at byte \(offset)")
            }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw Failure(detail: "varint longer than 10 bytes at byte \(offset)")
    }

    mutating func readFixed64() throws(Failure) -> UInt64 {
        let raw = try take(8)
        var value: UInt64 = 0
        for (index, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }

    mutating func readFixed32() throws(Failure) -> UInt32 {
        let raw = try take(4)
        var value: UInt32 = 0
        for (index, byte) in raw.enumerated() { value |= UInt32(byte) << (8 * UInt32(index)) }
        return value
    }

    mutating func readLengthDelimited() throws(Failure) -> ArraySlice<UInt8> {
        let length = try readVarint()
        guard length <= UInt64(bytes.endIndex - position) else {
            throw Failure(detail: "field length \(length) exceeds the \(bytes.endIndex - position) bytes left at byte \(offset)")
        }
        return try take(Int(length))
    }

    mutating func readString() throws(Failure) -> String {
        let raw = try readLengthDelimited()
        guard let text = String(bytes: raw, encoding: .utf8) else {
            throw Failure(detail: "string field is not valid UTF-8 at byte \(offset)")
        }
        return text
    }

    /// A `double` field's value, after checking its wire type.
    mutating func readDouble(_ header: FieldHeader, name: String) throws(Failure) -> Double {
        try expect(header, .fixed64, name: name)
        return Double(bitPattern: try readFixed64())
    }

    /// The doubles of a `repeated double` field, packed (wire type 2) or not (wire type 1).
    mutating func readDoubles(wireType: UInt64, into values: inout [Double]) throws(Failure) {
        switch wireType {
        case ProtobufWriter.WireType.fixed64.rawValue:
            values.append(Double(bitPattern: try readFixed64()))
        case ProtobufWriter.WireType.lengthDelimited.rawValue:
            var packed = ProtobufReader(try readLengthDelimited())
            guard packed.bytes.count % 8 == 0 else {
                throw Failure(detail: "packed double field of \(packed.bytes.count) bytes is not a multiple of 8")
            }
            while !packed.isAtEnd { values.append(Double(bitPattern: try packed.readFixed64())) }
        default:
            throw Failure(detail: "repeated double field has wire type \(wireType)")
        }
    }

    /// Skips a field of the given wire type, so that unknown fields are tolerated.
    mutating func skip(wireType: UInt64) throws(Failure) {
        switch wireType {
        case 0: _ = try readVarint()
        case 1: _ = try take(8)
        case 2: _ = try readLengthDelimited()
        case 5: _ = try take(4)
        default: throw Failure(detail: "unsupported wire type \(wireType) at byte \(offset)")
        }
    }

    /// Checks that a known field arrived with the wire type its schema gives it.
    func expect(_ header: FieldHeader, _ wireType: ProtobufWriter.WireType, name: String) throws(Failure) {
        guard header.wireType == wireType.rawValue else {
            throw Failure(detail: "field \(name) (\(header.field)) has wire type \(header.wireType), expected \(wireType.rawValue)")
        }
    }

    private var offset: Int { position - bytes.startIndex }

    private mutating func take(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
        guard count <= bytes.endIndex - position else {
            throw Failure(detail: "needs \(count) bytes at byte \(offset), only \(bytes.endIndex - position) left")
        }
        let slice = bytes[position..<position + count]
        position += count
        return slice
    }
}
