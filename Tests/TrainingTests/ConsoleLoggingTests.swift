import Logging
import Reporting
import Training
import XCTest

/// The run's `Console` logs through `RankLogHandler` at the level and world size it is given,
/// and `--log-level`'s spellings.
final class ConsoleLoggingTests: XCTestCase {
    func testConsoleLoggerFollowsTheLogLevelAndTheWorldSize() {
        let console = Console(rank: 1, quiet: false, worldSize: 3, logLevel: .debug)
        XCTAssertEqual(console.logger.logLevel, .debug)
        XCTAssertFalse(console.speaks)
        let handler = RankLogHandler(rank: 1, worldSize: 3)
        XCTAssertEqual(handler.logLevel, .info, "info by default")
        XCTAssertEqual(Console(rank: 0, quiet: true).logger.logLevel, .info, "--quiet does not change the log level")
        XCTAssertEqual(Console(rank: 0, quiet: false, logLevel: .error).logger.logLevel, .error)
    }

    func testLogLevelSpellings() throws {
        for level in Logger.Level.allCases {
            XCTAssertEqual(try RankLogHandler.level(named: level.rawValue), level)
        }
        XCTAssertEqual(Logger.Level.allCases.map(\.rawValue), ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        for bad in ["loud", "DEBUG", "", "warn"] {
            XCTAssertThrowsError(try RankLogHandler.level(named: bad)) { error in
                XCTAssertEqual("\(error)", "--log-level '\(bad)' is not one of: trace, debug, info, notice, warning, error, critical")
            }
        }
    }
}
