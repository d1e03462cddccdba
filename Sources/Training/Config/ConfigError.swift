/// A configuration the user gave that cannot run: one line naming the setting, what is wrong
/// and how to fix it.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
