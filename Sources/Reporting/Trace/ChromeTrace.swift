import Foundation

/// Encodes and merges Chrome traces (`{"traceEvents": [...], "displayTimeUnit": "ms"}`).
///
/// Distributed use: each rank encodes its own events with `encodeRankEvents(_:)` and sends
/// the bytes to rank 0; rank 0 decodes them all with `merge(rankPayloads:)` and writes the
/// result of `encode(events:)` to a `.json` file that Perfetto or chrome://tracing opens.
public enum ChromeTrace {
    /// Why a trace payload could not be decoded.
    public struct DecodingError: Error, CustomStringConvertible {
        /// Which payload (the index in `merge(rankPayloads:)`) was bad.
        public var payloadIndex: Int
        /// What the JSON decoder reported.
        public var reason: String

        /// Which payload failed to decode and why.
        public var description: String {
            "trace payload \(payloadIndex) is not a JSON array of trace events: \(reason). "
                + "Each rank must send the bytes of ChromeTrace.encodeRankEvents(_:)."
        }
    }

    /// The trace file's JSON: the events in the given order, times in microseconds.
    ///
    /// Keys are sorted so that the same events always give the same bytes.
    public static func encode(events: [TraceEvent]) throws -> Data {
        try encoder().encode(TraceFile(traceEvents: events, displayTimeUnit: "ms"))
    }

    /// One rank's events as a JSON array, for sending to rank 0.
    public static func encodeRankEvents(_ events: [TraceEvent]) throws -> Data {
        try encoder().encode(events)
    }

    /// Decodes the payloads of all ranks and merges them into one event list: a
    /// `process_name` event for each rank that did not send one, then every event ordered
    /// by start time (ties keep rank order), which keeps the file easy to diff.
    public static func merge(rankPayloads: [Data]) throws(DecodingError) -> [TraceEvent] {
        var events: [TraceEvent] = []
        for (index, payload) in rankPayloads.enumerated() {
            do {
                events += try JSONDecoder().decode([TraceEvent].self, from: payload)
            } catch {
                throw DecodingError(payloadIndex: index, reason: String(describing: error))
            }
        }
        let named = Set(events.filter(isProcessName).map(\.processID))
        let unnamed = Set(events.map(\.processID)).subtracting(named).sorted()
        let metadata = events.filter { $0.phase == .metadata } + unnamed.map(TraceEvent.processName(rank:))
        return stablySorted(metadata, by: { ($0.processID, $0.threadID) < ($1.processID, $1.threadID) })
            + stablySorted(events.filter { $0.phase != .metadata }, by: { $0.timestamp < $1.timestamp })
    }

    private static func isProcessName(_ event: TraceEvent) -> Bool {
        event.phase == .metadata && event.name == "process_name"
    }

    /// Sorts with ties in their original order, whatever the standard library's sort does.
    private static func stablySorted(_ events: [TraceEvent],
                                     by areInIncreasingOrder: (TraceEvent, TraceEvent) -> Bool) -> [TraceEvent] {
        events.enumerated().sorted { lhs, rhs in
            if areInIncreasingOrder(lhs.element, rhs.element) { return true }
            if areInIncreasingOrder(rhs.element, lhs.element) { return false }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    private struct TraceFile: Codable {
        var traceEvents: [TraceEvent]
        var displayTimeUnit: String
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
