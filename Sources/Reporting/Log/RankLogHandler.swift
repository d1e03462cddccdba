import Foundation
import Logging

/// The swift-log handler of a run: one line per message on standard error,
/// `ddp-train: <level>: <message>` with one rank and `ddp-train[rank R]: <level>: <message>` with
/// several, then the metadata as ` key=value`, keys sorted.
///
/// One exception keeps what users and scripts already read: rank 0's warnings, errors and
/// critical messages stay unlabelled (`ddp-train: warning: …`) at every world size. Those are the
/// lines a run has always printed (rank 0 speaks for the job), and a message that is about one
/// rank names it in its text (`ddp-train: warning: rank 0: collective …`). Every other line from
/// a multi-rank run carries its rank, so the ranks' debug output can be told apart.
///
/// Each line goes out in one `write(2)`, so lines from several threads (or, through a shared
/// pipe, several ranks) do not interleave.
public struct RankLogHandler: LogHandler {
    /// The program name that starts every line.
    public let label: String
    /// This process's rank.
    public let rank: Int
    /// The number of ranks; with one, lines carry no rank.
    public let worldSize: Int
    /// Messages below this level are dropped (by `Logger`, before they are formatted).
    public var logLevel: Logger.Level
    /// Metadata added to every message (a message's own metadata wins on a shared key).
    public var metadata: Logger.Metadata = [:]
    /// Metadata computed at each message, merged under the handler's and the message's.
    public var metadataProvider: Logger.MetadataProvider?
    /// Where each finished line (with its newline) goes; standard error unless a test captures it.
    private let output: @Sendable (String) -> Void

    /// A handler for `rank` of `worldSize`, at `logLevel`, writing each line with `output`.
    public init(label: String = "ddp-train", rank: Int = 0, worldSize: Int = 1, logLevel: Logger.Level = .info,
                output: @escaping @Sendable (String) -> Void = RankLogHandler.writeToStandardError) {
        self.label = label
        self.rank = rank
        self.worldSize = worldSize
        self.logLevel = logLevel
        self.output = output
    }

    /// A logger labelled `label` that goes through a `RankLogHandler` (never through the
    /// process-wide `LoggingSystem`, which a library should not bootstrap).
    public static func logger(label: String = "ddp-train", rank: Int = 0, worldSize: Int = 1,
                              logLevel: Logger.Level = .info) -> Logger {
        Logger(label: label) { RankLogHandler(label: $0, rank: rank, worldSize: worldSize, logLevel: logLevel) }
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats `event` and writes it.
    public func log(event: LogEvent) {
        output(line(level: event.level, message: event.message, metadata: event.metadata) + "\n")
    }

    /// The line for one message, without its newline.
    public func line(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?) -> String {
        var all = metadataProvider?.get() ?? [:]
        all.merge(metadata) { _, handler in handler }
        if let extra { all.merge(extra) { _, message in message } }
        let labelled = worldSize > 1 && !(rank == 0 && level >= .warning)
        var text = (labelled ? "\(label)[rank \(rank)]" : label) + ": \(level.rawValue): \(message)"
        for key in all.keys.sorted() { text += " \(key)=\(all[key]!)" }
        return text
    }

    /// Writes `line` to standard error in one `write(2)` (retried only for the part a signal or
    /// a full pipe left unwritten).
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        let bytes = Array(line.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return  // standard error is gone: nothing better to do with a log line
                }
            }
        }
    }
}
