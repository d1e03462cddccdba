/// A minimal protocol-buffer encoder: just the wire types TensorBoard's `Event` needs.
///
/// Fields are appended in the order the caller writes them; writing them in field-number
/// order, as the encoders below do, makes the bytes identical to what protobuf's own
/// serializers produce.
struct ProtobufWriter {
    /// The protobuf wire types used here.
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    mutating func writeVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func writeTag(field: Int, wireType: WireType) {
        writeVarint(UInt64(field) << 3 | wireType.rawValue)
    }

    /// An `int64` field; negative values take ten bytes, as in protobuf.
    mutating func writeInt64(field: Int, _ value: Int64) {
        writeTag(field: field, wireType: .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    /// An unsigned varint field: `uint32`/`uint64`, `bool` (0 or 1) or an enum's number.
    mutating func writeVarint(field: Int, _ value: UInt64) {
        writeTag(field: field, wireType: .varint)
        writeVarint(value)
    }

    /// A `double` field (fixed64, little-endian).
    mutating func writeDouble(field: Int, _ value: Double) {
        writeTag(field: field, wireType: .fixed64)
        appendLittleEndian(value.bitPattern)
    }

    /// A `float` field (fixed32, little-endian).
    mutating func writeFloat(field: Int, _ value: Float) {
        writeTag(field: field, wireType: .fixed32)
        appendLittleEndian(value.bitPattern)
    }

    /// A `string` field, UTF-8 encoded.
    mutating func writeString(field: Int, _ value: String) {
        writeBytes(field: field, Array(value.utf8))
    }

    /// A length-delimited field: a nested message or raw bytes.
    mutating func writeBytes(field: Int, _ value: [UInt8]) {
        writeTag(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A packed `repeated double` field; nothing is written for an empty array, as in protobuf.
    mutating func writePackedDoubles(field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        writeTag(field: field, wireType: .lengthDelimited)
        writeVarint(UInt64(values.count * 8))
        for value in values { appendLittleEndian(value.bitPattern) }
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
