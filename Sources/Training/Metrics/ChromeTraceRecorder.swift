import DataFormats
import Dispatch
import Collectives
import DataParallelism
import Foundation
import Reporting

/// Records a rank's training timeline and writes every rank's timeline into one Chrome trace
/// (`--trace FILE`), as Horovod's timeline does: one process (row) per rank in Perfetto or
/// chrome://tracing, with a `compute` thread (forward, backward, wait for allreduce, optimizer
/// step) and a `communication` thread (each bucket's allreduce, with its bytes).
///
/// - **Time.** Spans arrive in uptime nanoseconds (`DispatchTime`). Each rank subtracts its own
///   origin, taken right after a barrier in ``init(communicator:maxSteps:)``, and writes
///   microseconds. Ranks therefore line up to within the barrier's exit skew (microseconds on
///   one machine, about one network latency across machines); clocks of different machines are
///   never compared, so NTP offsets do not matter.
/// - **Memory.** Only the first `maxSteps` optimizer steps are kept (`--trace-steps`, default
///   20): a step ends with its "optimizer step" (or "skipped step") span, and after the last kept
///   one every further span is dropped. A step costs about 4 + buckets events (two more per
///   accumulation micro-step), a few hundred bytes each.
/// - **Threads.** `record` is called on the compute thread only (DataParallel reports a bucket's
///   allreduce after waiting for it), so the recorder needs no lock.
public final class ChromeTraceRecorder: TimelineRecorder {
    /// The rank whose spans this recorder keeps; the trace's process id.
    public let rank: Int
    /// Optimizer steps to keep.
    public let maxSteps: Int
    /// Thread ids of the tracks, in the order Perfetto lists them.
    public static let trackIDs = ["compute": 0, "communication": 1]

    private let origin: UInt64
    private let hostName: String
    private var events: [TraceEvent] = []
    private var stepsRecorded = 0
    private var otherTracks: [String: Int] = [:]

    /// Starts the timeline's clock on every rank. Collective: a barrier aligns the ranks' origins.
    ///
    /// - Parameter maxSteps: keep the spans of the first `maxSteps` optimizer steps (at least 1).
    public init(communicator: any Communicator, maxSteps: Int) {
        precondition(maxSteps >= 1, "ChromeTraceRecorder: maxSteps must be at least 1 (validated by the caller)")
        rank = communicator.rank
        hostName = communicator.hostName
        self.maxSteps = maxSteps
        if communicator.worldSize > 1 { communicator.barrier() }
        origin = DispatchTime.now().uptimeNanoseconds
    }

    /// Whether the recorder has all the steps it keeps and drops further spans.
    public var isFull: Bool { stepsRecorded >= maxSteps }

    /// The spans kept so far (without the naming metadata).
    public var spans: [TraceEvent] { events }

    /// Keeps one span on `track` (a thread row), times in `uptimeNanoseconds`; dropped once the recorder is full.
    public func record(_ name: String, track: String, start: UInt64, end: UInt64, arguments: [String: String]) {
        guard !isFull else { return }
        let thread = threadID(for: track)
        let startMicros = Double(Int64(bitPattern: start &- origin)) / 1e3
        let duration = Double(end >= start ? end - start : 0) / 1e3
        events.append(.complete(name: name, category: track, start: startMicros, duration: duration, rank: rank,
                                thread: thread, args: arguments.mapValues(Self.argument)))
        if track == "compute" && (name == "optimizer step" || name == "skipped step") { stepsRecorded += 1 }
    }

    /// This rank's events with the metadata that names its row and tracks.
    public func rankEvents() -> [TraceEvent] {
        var metadata = [TraceEvent(name: "process_name", category: "", phase: .metadata, timestamp: 0, duration: nil,
                                   processID: rank, threadID: 0, args: ["name": .string("rank \(rank) (\(hostName))")]),
                        TraceEvent(name: "process_sort_index", category: "", phase: .metadata, timestamp: 0, duration: nil,
                                   processID: rank, threadID: 0, args: ["sort_index": .number(Double(rank))])]
        let tracks = Self.trackIDs.merging(otherTracks) { a, _ in a }
        for (name, id) in tracks.sorted(by: { $0.value < $1.value }) {
            metadata.append(.threadName(name, rank: rank, thread: id))
        }
        return metadata + events
    }

    /// Gathers every rank's events on rank 0 and writes them there as one trace file.
    ///
    /// Collective: every rank must call it, once, after training. Only rank 0 touches the file;
    /// it is written atomically, so a reader never sees half a trace.
    /// - Returns: the number of events written (rank 0) or 0 (other ranks).
    @discardableResult
    public func write(to path: String, communicator: any Communicator) throws -> Int {
        let payload = try ChromeTrace.encodeRankEvents(rankEvents())
        let payloads = communicator.worldSize > 1
            ? communicator.gatherBytes(Array(payload), root: 0).map { Data($0) }
            : [payload]
        guard communicator.rank == 0 else { return 0 }
        let merged = try ChromeTrace.merge(rankPayloads: payloads)
        try AtomicFileWriter.write(try ChromeTrace.encode(events: merged), to: URL(fileURLWithPath: path))
        return merged.count
    }

    private func threadID(for track: String) -> Int {
        if let id = Self.trackIDs[track] ?? otherTracks[track] { return id }
        let id = Self.trackIDs.count + otherTracks.count
        otherTracks[track] = id
        return id
    }

    /// Numbers (byte counts, step numbers) become JSON numbers, so viewers can sum them.
    private static func argument(_ text: String) -> TraceArgument {
        if let number = Double(text), number.isFinite { return .number(number) }
        return .string(text)
    }
}
