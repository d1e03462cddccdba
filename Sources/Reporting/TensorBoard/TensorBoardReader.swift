import Foundation

/// Reads TensorBoard event files back into records, verifying every checksum.
///
/// Used by tests and by tools that check a run's logs; damaged files give a
/// `TensorBoardError` that names the file and the byte offset, never a crash.
public enum TensorBoardReader {
    /// The event files in `directory` (names containing `tfevents`), sorted by name, which
    /// is the order they were created in and the order TensorBoard reads them.
    public static func eventFiles(in directory: URL) throws(TensorBoardError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .cannotRead(path: directory.path, reason: error.localizedDescription)
        }
        return names.filter { $0.contains("tfevents") && !$0.hasPrefix(".") }
            .sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// All records of one event file, in order.
    public static func records(inFile file: URL) throws(TensorBoardError) -> [TensorBoardRecord] {
        let bytes = try readBytes(of: file)
        let split = try RecordFraming.split(bytes, path: file.path, allowTruncatedTail: false)
        return try split.records.map { (record) throws(TensorBoardError) in
            try decode(record, of: bytes, path: file.path)
        }
    }

    /// All records of all event files in `directory`, file after file in name order.
    public static func records(inDirectory directory: URL) throws(TensorBoardError) -> [TensorBoardRecord] {
        var all: [TensorBoardRecord] = []
        for file in try eventFiles(in: directory) {
            all += try records(inFile: file)
        }
        return all
    }

    static func readBytes(of file: URL) throws(TensorBoardError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: file))
        } catch {
            throw .cannotRead(path: file.path, reason: error.localizedDescription)
        }
    }

    static func decode(_ record: RecordFraming.Record, of bytes: [UInt8],
                       path: String) throws(TensorBoardError) -> TensorBoardRecord {
        do {
            return try TensorBoardRecord(decodingEvent: bytes[record.data])
        } catch {
            throw .malformedEvent(path: path, offset: record.offset, detail: error.detail)
        }
    }
}
