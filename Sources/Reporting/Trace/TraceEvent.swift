/// One event of a Chrome trace (the Trace Event Format that chrome://tracing and Perfetto
/// open).
///
/// Codable with the format's own keys (`name`, `cat`, `ph`, `ts`, `dur`, `pid`, `tid`,
/// `args`), so each rank can encode its events, send the bytes to rank 0, and rank 0 can
/// decode and merge them (see `ChromeTrace`). The process id is the rank, so Perfetto shows
/// one row of tracks per rank.
public struct TraceEvent: Codable, Equatable, Sendable {
    /// The kind of event (`ph`).
    public enum Phase: String, Codable, Sendable {
        /// A span with a start and a duration.
        case complete = "X"
        /// A point in time.
        case instant = "i"
        /// Names a process or thread; `name` is `process_name` or `thread_name`.
        case metadata = "M"
    }

    /// What happened, e.g. `forward`, `allreduce bucket 3`.
    public var name: String
    /// A comma-separated category list that the viewer can filter by, e.g. `compute`.
    public var category: String
    /// The kind of event.
    public var phase: Phase
    /// The start, in microseconds since a common origin.
    public var timestamp: Double
    /// The length in microseconds; only complete events have one.
    public var duration: Double?
    /// The process: the MPI rank.
    public var processID: Int
    /// The thread (a track within the rank's row), e.g. 0 for compute, 1 for communication.
    public var threadID: Int
    /// Extra details shown when the event is selected.
    public var args: [String: TraceArgument]

    /// An event with every field given.
    public init(name: String, category: String, phase: Phase, timestamp: Double, duration: Double?,
                processID: Int, threadID: Int, args: [String: TraceArgument] = [:]) {
        self.name = name
        self.category = category
        self.phase = phase
        self.timestamp = timestamp
        self.duration = duration
        self.processID = processID
        self.threadID = threadID
        self.args = args
    }

    /// A complete event (`ph: "X"`): a span of `duration` microseconds on `rank`'s `thread`.
    public static func complete(name: String, category: String, start: Double, duration: Double,
                                rank: Int, thread: Int = 0, args: [String: TraceArgument] = [:]) -> TraceEvent {
        TraceEvent(name: name, category: category, phase: .complete, timestamp: start,
                   duration: duration, processID: rank, threadID: thread, args: args)
    }

    /// The metadata event that labels `rank`'s row as `rank N`.
    public static func processName(rank: Int) -> TraceEvent {
        TraceEvent(name: "process_name", category: "", phase: .metadata, timestamp: 0, duration: nil,
                   processID: rank, threadID: 0, args: ["name": .string("rank \(rank)")])
    }

    /// The metadata event that labels a thread (track) of `rank`, e.g. `communication`.
    public static func threadName(_ threadName: String, rank: Int, thread: Int) -> TraceEvent {
        TraceEvent(name: "thread_name", category: "", phase: .metadata, timestamp: 0, duration: nil,
                   processID: rank, threadID: thread, args: ["name": .string(threadName)])
    }

    private enum CodingKeys: String, CodingKey {
        case name, category = "cat", phase = "ph", timestamp = "ts", duration = "dur"
        case processID = "pid", threadID = "tid", args
    }

    /// Reads an event in the Trace Event Format's JSON keys (`ph`, `ts`, …); `pid`, `tid` and `args` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        category = try container.decodeIfPresent(String.self, forKey: .category) ?? ""
        phase = try container.decode(Phase.self, forKey: .phase)
        timestamp = try container.decodeIfPresent(Double.self, forKey: .timestamp) ?? 0
        duration = try container.decodeIfPresent(Double.self, forKey: .duration)
        processID = try container.decodeIfPresent(Int.self, forKey: .processID) ?? 0
        threadID = try container.decodeIfPresent(Int.self, forKey: .threadID) ?? 0
        args = try container.decodeIfPresent([String: TraceArgument].self, forKey: .args) ?? [:]
    }

    /// Writes the event with the Trace Event Format's JSON keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(category, forKey: .category)
        try container.encode(phase, forKey: .phase)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encodeIfPresent(duration, forKey: .duration)
        try container.encode(processID, forKey: .processID)
        try container.encode(threadID, forKey: .threadID)
        if !args.isEmpty { try container.encode(args, forKey: .args) }
    }
}
