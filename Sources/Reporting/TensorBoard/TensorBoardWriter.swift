import DataFormats
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes scalars and histograms to a new TensorBoard event file.
///
/// Each writer creates its own file, `events.out.tfevents.<unix seconds>.<hostname>`, in
/// `directory`, and starts it with the `brain.Event:2` version record. A resumed run opens a
/// new writer in the same directory; TensorBoard reads all files there in name order. For an
/// exact resume, first call `discardRecords(after:in:)` with the checkpoint's step so that
/// the steps the resumed run repeats are not logged twice.
///
/// Records are buffered; `flush()` hands them to the operating system. Call it at each
/// logging interval so that a crash loses little, and `close()` at the end.
public final class TensorBoardWriter {
    /// The event file this writer appends to.
    public let fileURL: URL
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    /// Large histograms fill the buffer quickly; past this size a write flushes by itself.
    private static let autoFlushBytes = 1 << 20

    /// Creates `directory` if needed and a new event file in it, holding the version record.
    ///
    /// - Parameters:
    ///   - directory: the log directory (TensorBoard's `--logdir` or a run inside it).
    ///   - creationDate: the time in the file name and on the version record.
    ///   - hostname: the host in the file name; characters other than letters, digits,
    ///     `-`, `_` and `.` are replaced by `_`.
    public init(directory: URL, creationDate: Date = Date(),
                hostname: String = ProcessInfo.processInfo.hostName) throws(TensorBoardError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: directory.path, reason: error.localizedDescription)
        }
        let seconds = Int(creationDate.timeIntervalSince1970.rounded(.down))
        let base = "events.out.tfevents.\(seconds).\(Self.sanitized(hostname))"
        // Two writers in the same second (a quick resume) must not share a file: O_EXCL makes
        // the existence check and the creation one step, and a suffix keeps name order.
        var attempt = 0
        while true {
            let name = attempt == 0 ? base : "\(base).\(attempt)"
            let url = directory.appendingPathComponent(name)
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                fileURL = url
                handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                break
            }
            let code = errno
            guard code == EEXIST, attempt < 1000 else {
                throw .cannotCreateFile(path: url.path, reason: String(cString: strerror(code)))
            }
            attempt += 1
        }
        try write(TensorBoardRecord(wallTime: creationDate.timeIntervalSince1970, step: 0,
                                    fileVersion: TensorBoardRecord.currentFileVersion))
        try flush()
    }

    deinit {
        try? close()
    }

    /// Appends one record.
    public func write(_ record: TensorBoardRecord) throws(TensorBoardError) {
        guard handle != nil else { throw .writerClosed(path: fileURL.path) }
        buffer += RecordFraming.frame(record.encodedEvent())
        if buffer.count >= Self.autoFlushBytes { try flush() }
    }

    /// Appends a scalar value of series `tag` at `step`.
    ///
    /// - Parameter wallTime: seconds since 1970; nil means now.
    public func addScalar(tag: String, value: Float, step: Int, wallTime: Double? = nil) throws(TensorBoardError) {
        try write(TensorBoardRecord(wallTime: wallTime ?? Date().timeIntervalSince1970, step: step,
                                    scalars: [.init(tag: tag, value: value)]))
    }

    /// Appends the histogram of `values` (equal-width buckets, see `HistogramData`) at `step`.
    ///
    /// - Parameter wallTime: seconds since 1970; nil means now.
    public func addHistogram(tag: String, values: [Float], step: Int, wallTime: Double? = nil,
                             bucketCount: Int = 30) throws(TensorBoardError) {
        try addHistogram(tag: tag, histogram: HistogramData(values: values, bucketCount: bucketCount),
                         step: step, wallTime: wallTime)
    }

    /// Appends a histogram computed elsewhere at `step`.
    ///
    /// - Parameter wallTime: seconds since 1970; nil means now.
    public func addHistogram(tag: String, histogram: HistogramData, step: Int,
                             wallTime: Double? = nil) throws(TensorBoardError) {
        try write(TensorBoardRecord(wallTime: wallTime ?? Date().timeIntervalSince1970, step: step,
                                    histograms: [.init(tag: tag, data: histogram)]))
    }

    /// Hands buffered records to the operating system.
    public func flush() throws(TensorBoardError) {
        guard let handle, !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .cannotWrite(path: fileURL.path, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; later writes throw `writerClosed`. Closing twice is allowed.
    public func close() throws(TensorBoardError) {
        guard let handle else { return }
        try flush()
        self.handle = nil
        do {
            try handle.close()
        } catch {
            throw .cannotWrite(path: fileURL.path, reason: error.localizedDescription)
        }
    }

    /// Rewrites the event files in `directory` so that they keep only records with
    /// `step <= step` (and the version records), for an exact resume from a checkpoint
    /// taken at `step`.
    ///
    /// Each changed file is replaced atomically and durably (`AtomicFileWriter`), so an
    /// interruption leaves either the old or the new file. An incomplete record at the end
    /// of a file (a writer killed mid-write) is dropped too. Files with a damaged record in
    /// the middle are left alone and reported with an error. Call this before opening a new writer in `directory`;
    /// a missing directory has nothing to discard.
    ///
    /// - Returns: how many records were removed, incomplete ones included.
    @discardableResult
    public static func discardRecords(after step: Int, in directory: URL) throws(TensorBoardError) -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
              isDirectory.boolValue else { return 0 }
        var discarded = 0
        for file in try TensorBoardReader.eventFiles(in: directory) {
            let bytes = try TensorBoardReader.readBytes(of: file)
            let split = try RecordFraming.split(bytes, path: file.path, allowTruncatedTail: true)
            var kept: [UInt8] = []
            var dropped = split.truncatedTailOffset == nil ? 0 : 1
            for record in split.records {
                let decoded = try TensorBoardReader.decode(record, of: bytes, path: file.path)
                if decoded.fileVersion != nil || decoded.step <= step {
                    kept += bytes[record.frame]
                } else {
                    dropped += 1
                }
            }
            guard dropped > 0 else { continue }
            do {
                try AtomicFileWriter.write(Data(kept), to: file)
            } catch {
                throw .cannotWrite(path: file.path, reason: error.message)
            }
            discarded += dropped
        }
        return discarded
    }

    private static func sanitized(_ hostname: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let cleaned = String(hostname.map { allowed.contains($0) ? $0 : "_" })
        return cleaned.isEmpty ? "localhost" : cleaned
    }
}
