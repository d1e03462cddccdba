/// The TFRecord framing of event files: each record is
/// `u64 LE length · u32 LE masked CRC32C(length bytes) · data · u32 LE masked CRC32C(data)`.
enum RecordFraming {
    /// One record's data, located in the file's bytes.
    struct Record {
        /// Where the record's header starts in the file.
        var offset: Int
        /// The record's bytes in the file, header and footer included.
        var frame: Range<Int>
        /// The data (the `Event` protobuf) inside `frame`.
        var data: Range<Int>
    }

    /// The records of a file and whether an incomplete record follows them.
    struct Split {
        var records: [Record]
        /// Where an incomplete trailing record starts, if the file ends inside one.
        var truncatedTailOffset: Int?
    }

    static let headerLength = 12
    static let footerLength = 4
    /// Bounds the length a damaged header can claim before it is compared with the file size.
    static let maximumDataLength: UInt64 = 1 << 32

    /// The framed bytes of one record holding `data`.
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerLength + data.count + footerLength)
        let length = littleEndianBytes(UInt64(data.count))
        bytes += length
        bytes += littleEndianBytes(CRC32C.maskedChecksum(length))
        bytes += data
        bytes += littleEndianBytes(CRC32C.maskedChecksum(data))
        return bytes
    }

    /// Splits a whole file into records, checking both CRCs of each.
    ///
    /// A file that ends inside a record is reported in `truncatedTailOffset` when
    /// `allowTruncatedTail` is true (a writer killed mid-record leaves one) and is an error
    /// otherwise. Checksum failures are always errors.
    static func split(_ bytes: [UInt8], path: String, allowTruncatedTail: Bool) throws(TensorBoardError) -> Split {
        var records: [Record] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= headerLength else {
                return try truncated(at: offset, records: records, path: path, allowed: allowTruncatedTail)
            }
            let lengthBytes = bytes[offset..<offset + 8]
            guard readUInt32(bytes, at: offset + 8) == CRC32C.maskedChecksum(lengthBytes) else {
                throw .lengthChecksumMismatch(path: path, offset: offset)
            }
            let length = readUInt64(bytes, at: offset)
            guard length <= maximumDataLength else {
                throw .recordTooLong(path: path, offset: offset, length: length)
            }
            let dataStart = offset + headerLength
            guard UInt64(bytes.count - dataStart) >= length + UInt64(footerLength) else {
                return try truncated(at: offset, records: records, path: path, allowed: allowTruncatedTail)
            }
            let dataEnd = dataStart + Int(length)
            guard readUInt32(bytes, at: dataEnd) == CRC32C.maskedChecksum(bytes[dataStart..<dataEnd]) else {
                throw .dataChecksumMismatch(path: path, offset: offset)
            }
            let frameEnd = dataEnd + footerLength
            records.append(Record(offset: offset, frame: offset..<frameEnd, data: dataStart..<dataEnd))
            offset = frameEnd
        }
        return Split(records: records, truncatedTailOffset: nil)
    }

    private static func truncated(at offset: Int, records: [Record], path: String,
                                  allowed: Bool) throws(TensorBoardError) -> Split {
        guard allowed else { throw .truncatedRecord(path: path, offset: offset) }
        return Split(records: records, truncatedTailOffset: offset)
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }
}
