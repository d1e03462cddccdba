/// Why a TensorBoard event file could not be written or read.
///
/// Each message names the file, the part of it that is wrong, and what to do about it.
public enum TensorBoardError: Error, Equatable, CustomStringConvertible {
    /// The log directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// A new event file could not be created.
    case cannotCreateFile(path: String, reason: String)
    /// Writing to an event file failed (disk full, file removed, ...).
    case cannotWrite(path: String, reason: String)
    /// An event file or directory could not be read.
    case cannotRead(path: String, reason: String)
    /// A record was written after `close()`.
    case writerClosed(path: String)
    /// The file ends inside the record that starts at `offset`.
    case truncatedRecord(path: String, offset: Int)
    /// The checksum of the length field of the record at `offset` does not match.
    case lengthChecksumMismatch(path: String, offset: Int)
    /// The checksum of the data of the record at `offset` does not match.
    case dataChecksumMismatch(path: String, offset: Int)
    /// The record at `offset` claims an implausible length.
    case recordTooLong(path: String, offset: Int, length: UInt64)
    /// The record at `offset` passed its checksums but is not a valid `Event` protobuf.
    case malformedEvent(path: String, offset: Int, detail: String)

    /// The failure, naming the file and, for reads, the byte offset.
    public var description: String {
        switch self {
        case let .cannotCreateDirectory(path, reason):
            return "cannot create TensorBoard log directory \(path): \(reason). Choose a writable directory."
        case let .cannotCreateFile(path, reason):
            return "cannot create TensorBoard event file \(path): \(reason). Check that the log directory is writable."
        case let .cannotWrite(path, reason):
            return "cannot write TensorBoard event file \(path): \(reason). Check free disk space and that the file still exists."
        case let .cannotRead(path, reason):
            return "cannot read TensorBoard events at \(path): \(reason)."
        case let .writerClosed(path):
            return "TensorBoard event file \(path) was written to after close(); open a new TensorBoardWriter."
        case let .truncatedRecord(path, offset):
            return "TensorBoard event file \(path) ends inside the record at byte \(offset) (cut off while being written?). "
                + "TensorBoardWriter.discardRecords(after:in:) drops the incomplete tail; or delete the file."
        case let .lengthChecksumMismatch(path, offset):
            return "TensorBoard event file \(path) is damaged: the length CRC of the record at byte \(offset) does not match. "
                + "Delete the file, or restore it from a copy."
        case let .dataChecksumMismatch(path, offset):
            return "TensorBoard event file \(path) is damaged: the data CRC of the record at byte \(offset) does not match. "
                + "Delete the file, or restore it from a copy."
        case let .recordTooLong(path, offset, length):
            return "TensorBoard event file \(path) is damaged: the record at byte \(offset) claims \(length) bytes. "
                + "Delete the file, or restore it from a copy."
        case let .malformedEvent(path, offset, detail):
            return "TensorBoard event file \(path) holds an invalid Event protobuf in the record at byte \(offset): \(detail). "
                + "The file was not written by a TensorBoard writer; remove it from the log directory."
        }
    }
}
