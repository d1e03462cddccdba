import Foundation
import XCTest
@testable import Reporting

final class ChromeTraceTests: XCTestCase {
    func testEncodedTraceHasTheFormatsFields() throws {
        let events = [
            TraceEvent.processName(rank: 1),
            TraceEvent.complete(name: "forward", category: "compute", start: 1500, duration: 250.5, rank: 1,
                                thread: 2, args: ["step": 3, "bucket": "b0"]),
        ]
        let data = try ChromeTrace.encode(events: events)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(json["displayTimeUnit"] as? String, "ms")
        let traceEvents = try XCTUnwrap(json["traceEvents"] as? [[String: Any]])
        XCTAssertEqual(traceEvents.count, 2)

        let metadata = traceEvents[0]
        XCTAssertEqual(metadata["ph"] as? String, "M")
        XCTAssertEqual(metadata["name"] as? String, "process_name")
        XCTAssertEqual(metadata["pid"] as? Int, 1)
        XCTAssertEqual((metadata["args"] as? [String: Any])?["name"] as? String, "rank 1")
        XCTAssertNil(metadata["dur"])

        let span = traceEvents[1]
        XCTAssertEqual(span["name"] as? String, "forward")
        XCTAssertEqual(span["cat"] as? String, "compute")
        XCTAssertEqual(span["ph"] as? String, "X")
        XCTAssertEqual(span["ts"] as? Double, 1500)
        XCTAssertEqual(span["dur"] as? Double, 250.5)
        XCTAssertEqual(span["pid"] as? Int, 1)
        XCTAssertEqual(span["tid"] as? Int, 2)
        let args = try XCTUnwrap(span["args"] as? [String: Any])
        XCTAssertEqual(args["step"] as? Double, 3)
        XCTAssertEqual(args["bucket"] as? String, "b0")
    }

    func testEventsRoundTripThroughCodable() throws {
        let event = TraceEvent.complete(name: "allreduce", category: "comm", start: 10, duration: 5, rank: 3,
                                        args: ["bytes": 4096, "dtype": "f32"])
        let data = try ChromeTrace.encodeRankEvents([event, .threadName("communication", rank: 3, thread: 1)])
        let decoded = try JSONDecoder().decode([TraceEvent].self, from: data)
        XCTAssertEqual(decoded, [event, .threadName("communication", rank: 3, thread: 1)])
    }

    func testMergeAddsProcessNamesAndOrdersByTime() throws {
        let rank0 = [TraceEvent.complete(name: "b", category: "c", start: 20, duration: 1, rank: 0),
                     TraceEvent.complete(name: "a", category: "c", start: 5, duration: 1, rank: 0)]
        let rank1 = [TraceEvent.processName(rank: 1),
                     TraceEvent.complete(name: "x", category: "c", start: 5, duration: 1, rank: 1)]
        let merged = try ChromeTrace.merge(rankPayloads: [try ChromeTrace.encodeRankEvents(rank0),
                                                          try ChromeTrace.encodeRankEvents(rank1)])
        XCTAssertEqual(merged.map(\.name), ["process_name", "process_name", "a", "x", "b"])
        XCTAssertEqual(merged.prefix(2).map(\.processID), [0, 1])
        XCTAssertEqual(merged[0].args["name"], "rank 0")
    }

    func testMergeReportsWhichPayloadIsBad() throws {
        let good = try ChromeTrace.encodeRankEvents([])
        XCTAssertThrowsError(try ChromeTrace.merge(rankPayloads: [good, Data("{".utf8)])) { error in
            XCTAssertEqual((error as? ChromeTrace.DecodingError)?.payloadIndex, 1)
        }
    }
}
