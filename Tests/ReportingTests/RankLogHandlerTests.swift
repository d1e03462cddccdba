import Foundation
import Logging
import Reporting
import XCTest

/// `RankLogHandler`: the line format at one and several ranks, the rank-0 warning rule,
/// metadata, level filtering, and `--log-level` spellings.
final class RankLogHandlerTests: XCTestCase {
    /// Collects what a handler writes, one entry per write.
    final class Capture: @unchecked Sendable {
        // @unchecked: guarded by `lock`.
        private let lock = NSLock()
        private var stored: [String] = []
        var writes: [String] { lock.lock(); defer { lock.unlock() }; return stored }
        func append(_ text: String) { lock.lock(); stored.append(text); lock.unlock() }
    }

    func handler(rank: Int = 0, worldSize: Int = 1, level: Logger.Level = .trace, into capture: Capture) -> RankLogHandler {
        RankLogHandler(rank: rank, worldSize: worldSize, logLevel: level, output: { capture.append($0) })
    }

    func logger(rank: Int = 0, worldSize: Int = 1, level: Logger.Level, into capture: Capture) -> Logger {
        Logger(label: "ddp-train") { _ in self.handler(rank: rank, worldSize: worldSize, level: level, into: capture) }
    }

    func testOneRankPrintsProgramLevelAndMessage() {
        let h = handler(into: Capture())
        XCTAssertEqual(h.line(level: .debug, message: "data loaded", metadata: nil), "ddp-train: debug: data loaded")
        XCTAssertEqual(h.line(level: .warning, message: "careful", metadata: nil), "ddp-train: warning: careful")
        XCTAssertEqual(h.line(level: .trace, message: "step 1", metadata: nil), "ddp-train: trace: step 1")
        let named = RankLogHandler(label: "other", logLevel: .info)
        XCTAssertEqual(named.line(level: .error, message: "x", metadata: nil), "other: error: x")
    }

    func testSeveralRanksLabelEveryLineExceptRankZerosWarnings() {
        let zero = handler(rank: 0, worldSize: 2, into: Capture()), one = handler(rank: 1, worldSize: 2, into: Capture())
        XCTAssertEqual(zero.line(level: .debug, message: "m", metadata: nil), "ddp-train[rank 0]: debug: m")
        XCTAssertEqual(one.line(level: .debug, message: "m", metadata: nil), "ddp-train[rank 1]: debug: m")
        XCTAssertEqual(one.line(level: .info, message: "m", metadata: nil), "ddp-train[rank 1]: info: m")
        XCTAssertEqual(one.line(level: .warning, message: "m", metadata: nil), "ddp-train[rank 1]: warning: m")
        // Rank 0 speaks for the job: its warnings read as they always have, at any world size.
        XCTAssertEqual(zero.line(level: .notice, message: "m", metadata: nil), "ddp-train[rank 0]: notice: m")
        XCTAssertEqual(zero.line(level: .warning, message: "m", metadata: nil), "ddp-train: warning: m")
        XCTAssertEqual(zero.line(level: .error, message: "m", metadata: nil), "ddp-train: error: m")
        XCTAssertEqual(zero.line(level: .critical, message: "m", metadata: nil), "ddp-train: critical: m")
        let seventh = handler(rank: 7, worldSize: 8, into: Capture())
        XCTAssertEqual(seventh.line(level: .critical, message: "m", metadata: nil), "ddp-train[rank 7]: critical: m")
    }

    func testMetadataIsAppendedAsSortedKeyValuePairsAndTheMessagesWins() {
        var h = handler(into: Capture())
        XCTAssertEqual(h.line(level: .debug, message: "evaluation", metadata: ["val_loss": "0.5", "step": "12"]),
                       "ddp-train: debug: evaluation step=12 val_loss=0.5")
        XCTAssertEqual(h.line(level: .debug, message: "empty", metadata: [:]), "ddp-train: debug: empty")
        h[metadataKey: "run"] = "a"
        XCTAssertEqual(h[metadataKey: "run"], "a")
        h.metadataProvider = Logger.MetadataProvider { ["host": "n1", "run": "provider"] }
        XCTAssertEqual(h.line(level: .info, message: "m", metadata: nil), "ddp-train: info: m host=n1 run=a",
                       "the handler's own metadata wins over the provider's")
        XCTAssertEqual(h.line(level: .info, message: "m", metadata: ["run": "b", "step": "3"]),
                       "ddp-train: info: m host=n1 run=b step=3", "the message's metadata wins over both")
    }

    func testEachMessageIsOneWriteOfOneWholeLine() {
        let capture = Capture()
        var log = logger(rank: 1, worldSize: 4, level: .debug, into: capture)
        log.debug("first", metadata: ["k": "v"])
        log[metadataKey: "epoch"] = "2"
        log.warning("second")
        XCTAssertEqual(capture.writes, ["ddp-train[rank 1]: debug: first k=v\n", "ddp-train[rank 1]: warning: second epoch=2\n"])
        // From many threads at once: still one write per message, each a whole line.
        let shared = log
        DispatchQueue.concurrentPerform(iterations: 200) { i in shared.debug("message \(i)") }
        let lines = capture.writes.dropFirst(2)
        XCTAssertEqual(lines.count, 200)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("ddp-train[rank 1]: debug: message ") && $0.hasSuffix(" epoch=2\n")
                                         && $0.filter { $0 == "\n" }.count == 1 }, "\(lines)")
    }

    func testMessagesBelowTheLevelAreDroppedUnbuilt() {
        let capture = Capture()
        let log = logger(level: .warning, into: capture)
        var built = 0
        func text(_ s: String) -> String { built += 1; return s }
        log.trace("\(text("trace"))")
        log.debug("\(text("debug"))")
        log.info("\(text("info"))")
        log.notice("\(text("notice"))")
        XCTAssertEqual(built, 0, "a dropped message is never formatted")
        log.warning("\(text("warning"))")
        log.error("\(text("error"))")
        log.critical("\(text("critical"))")
        XCTAssertEqual(capture.writes, ["ddp-train: warning: warning\n", "ddp-train: error: error\n", "ddp-train: critical: critical\n"])
        XCTAssertEqual(built, 3)

        let quiet = Capture()
        let errorsOnly = logger(level: .error, into: quiet)
        errorsOnly.warning("silenced")
        errorsOnly.error("kept")
        XCTAssertEqual(quiet.writes, ["ddp-train: error: kept\n"])
    }
}
