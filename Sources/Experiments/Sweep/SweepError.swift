import Training
/// A sweep that cannot be set up or run: one line naming the flag or file, the field, what is
/// wrong and how to fix it.
public struct SweepError: Error, CustomStringConvertible, Equatable {
    /// What is wrong and how to fix it.
    public let message: String
    /// An error with the given message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A sweep or study stopped by a signal (SIGINT, SIGTERM) after keeping what finished: running
/// the same command again resumes it. The executable exits with `ExitStatus.preempted` for it,
/// so a job script can requeue.
public struct SweepInterrupted: Error, CustomStringConvertible, Equatable {
    /// Which signal stopped it, and how to resume.
    public let message: String
    /// An interruption with the given message.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
