/// A configuration the user gave that cannot run: one line naming the setting, what is wrong
/// and how to fix it.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// What is wrong and, where it helps, how to fix it.
    public let message: String
    /// An error with the given message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
