import Logging
import Reporting

// Here rather than beside the handler in Reporting: reading a flag's value is configuration,
// and its error is a ConfigError (exit status 2), which Reporting does not know.
extension RankLogHandler {
    /// The level spelled `spelling` (`trace`, `debug`, `info`, `notice`, `warning`, `error`,
    /// `critical`), or a `ConfigError` naming `flag` and every valid spelling.
    public static func level(named spelling: String, flag: String = "--log-level") throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: spelling) else {
            throw ConfigError("\(flag) '\(spelling)' is not one of: "
                              + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return level
    }
}
