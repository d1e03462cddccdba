/// Receives timed spans for the Chrome-trace timeline. The training layer implements it;
/// Distributed only reports what it did and when (uptime nanoseconds).
public protocol TimelineRecorder: AnyObject {
    /// Records one span on `track` ("compute" or "communication").
    func record(_ name: String, track: String, start: UInt64, end: UInt64, arguments: [String: String])
}
