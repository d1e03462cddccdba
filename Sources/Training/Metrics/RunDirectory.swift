import DataFormats
import Foundation
import Logging
import Reporting

/// The directory a run writes (rank 0 only): config.json, metrics.jsonl, and whatever else the
/// run produces (weights, traces, TensorBoard events).
public final class RunDirectory {
    /// The directory's location.
    public let url: URL
    private var metrics: FileHandle?
    private var pending = ""
    /// Whether the last flush failed (a warning has been printed).
    private var metricsFailed = false
    /// Where the warnings about metrics.jsonl go: the run's logger (rank 0's, so they read
    /// `ddp-train: warning: …` at any world size); a standard-error logger at `info` by default.
    public var logger = RankLogHandler.logger()

    /// Creates the directory (and parents).
    public init(path: String) throws {
        url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ConfigError("\(path): cannot create the run directory (\(TrainingConfig.reason(error)))")
        }
    }

    /// The default location: runs/<preset>-<UTC timestamp>.
    public static func defaultPath(preset: String, date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return "runs/\(preset)-\(f.string(from: date))"
    }

    /// The directory's file-system path.
    public var path: String { url.path }

    /// A file inside the run directory.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes config.json atomically.
    public func writeConfig(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFileWriter.write(data + Data("\n".utf8), to: file("config.json"))
    }

    /// Appends one line to metrics.jsonl. Lines are buffered and flushed by `flush()`, at
    /// most every few hundred lines, and at the end, so per-step logging costs microseconds.
    public func appendMetrics(_ line: String) {
        pending += line
        pending += "\n"
        if pending.utf8.count > 1 << 16 { flush() }
    }

    /// Writes buffered metric lines to disk.
    ///
    /// A write that fails part-way (a full disk) is cut back to the last complete line, so
    /// readers never meet a torn record; the lines stay buffered and the next flush retries
    /// them. One warning says so (training is worth more than its log).
    public func flush() {
        guard !pending.isEmpty else { return }
        do {
            if metrics == nil {
                let path = file("metrics.jsonl").path
                if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw ConfigError("\(path): cannot open for writing")
                }
                metrics = handle
            }
            guard let handle = metrics else { return }
            let end = try handle.seekToEnd()
            do {
                try handle.write(contentsOf: Data(pending.utf8))
            } catch {
                try? handle.truncate(atOffset: end)
                throw error
            }
            pending = ""
            if metricsFailed {
                metricsFailed = false
                logger.warning("\(path)/metrics.jsonl: writing works again; no record was lost")
            }
        } catch {
            if !metricsFailed {
                let warning = "\(path)/metrics.jsonl: cannot append \(pending.utf8.count) bytes (\(TrainingConfig.reason(error))); "
                    + "the file ends at its last complete record, and the records are kept in memory and retried at the next flush"
                logger.warning("\(warning)")
            }
            metricsFailed = true
        }
    }

    /// Keeps only the records of steps up to `step` (a resume continues from there; records the
    /// interrupted run wrote past it are cut, not duplicated). Rewritten atomically.
    public func truncateMetrics(afterStep step: Int) throws {
        flush()
        metrics = nil
        let url = file("metrics.jsonl")
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        var kept: [Substring] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let s = object[MetricsLine.CodingKeys.step.rawValue] as? Int else { continue }  // a torn last line is dropped too
            if s <= step { kept.append(line) }
        }
        do {
            try AtomicFileWriter.write(Data((kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).utf8), to: url)
        } catch {
            throw ConfigError(error.description)
        }
    }

    /// Starts metrics.jsonl afresh (a new run in an existing directory).
    public func resetMetrics() {
        try? FileManager.default.removeItem(at: file("metrics.jsonl"))
        metrics = nil
        pending = ""
    }

    deinit { flush() }
}
