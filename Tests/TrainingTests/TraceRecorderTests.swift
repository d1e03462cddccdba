import Collectives
import Foundation
import Reporting
import Training
import XCTest

/// ChromeTraceRecorder on its own: tracks, arguments, the step bound and the written file.
final class TraceRecorderTests: XCTestCase {
    func testSpansLandOnTheirTracksWithNumericArguments() throws {
        let recorder = ChromeTraceRecorder(communicator: SingleProcessCommunicator(), maxSteps: 5)
        let t0 = DispatchTime.now().uptimeNanoseconds
        recorder.record("forward", track: "compute", start: t0, end: t0 + 2_000, arguments: ["step": "1"])
        recorder.record("allreduce bucket 0", track: "communication", start: t0 + 1_000, end: t0 + 4_500,
                        arguments: ["bytes": "4096", "compression": "none"])
        let spans = recorder.spans
        XCTAssertEqual(spans.map(\.name), ["forward", "allreduce bucket 0"])
        XCTAssertEqual(spans.map(\.threadID), [0, 1])
        XCTAssertEqual(spans.map(\.phase), [.complete, .complete])
        XCTAssertEqual(try XCTUnwrap(spans[0].duration), 2.0, accuracy: 1e-9, "nanoseconds become microseconds")
        XCTAssertEqual(try XCTUnwrap(spans[1].duration), 3.5, accuracy: 1e-9)
        XCTAssertEqual(spans[1].timestamp - spans[0].timestamp, 1.0, accuracy: 1e-9)
        XCTAssertEqual(spans[1].args["bytes"], .number(4096))
        XCTAssertEqual(spans[1].args["compression"], .string("none"))
        XCTAssertEqual(spans[0].args["step"], .number(1))
    }

    func testKeepsOnlyTheFirstStepsAndNamesTracks() throws {
        let recorder = ChromeTraceRecorder(communicator: SingleProcessCommunicator(), maxSteps: 2)
        var t = DispatchTime.now().uptimeNanoseconds
        for step in 1...5 {
            for name in ["forward", "backward", "wait for allreduce", "optimizer step"] {
                recorder.record(name, track: "compute", start: t, end: t + 10, arguments: ["step": "\(step)"])
                t += 10
            }
            recorder.record("allreduce bucket 0", track: "communication", start: t, end: t + 10, arguments: [:])
        }
        XCTAssertTrue(recorder.isFull)
        // Step 2's allreduce comes after its optimizer step here, so only step 1's is kept.
        XCTAssertEqual(recorder.spans.count, 4 + 1 + 4)
        let steps = recorder.spans.compactMap { span -> Double? in
            if case let .number(step) = span.args["step"] { return step }
            return nil
        }
        XCTAssertEqual(Set(steps), [1, 2])

        let metadata = recorder.rankEvents().filter { $0.phase == .metadata }
        let threadNames = metadata.filter { $0.name == "thread_name" }.map { $0.args["name"] }
        XCTAssertEqual(threadNames, [.string("compute"), .string("communication")])
        XCTAssertEqual(metadata.filter { $0.name == "process_name" }.count, 1)
    }

    func testUnknownTracksGetTheirOwnThread() {
        let recorder = ChromeTraceRecorder(communicator: SingleProcessCommunicator(), maxSteps: 1)
        recorder.record("checkpoint", track: "io", start: 10, end: 20, arguments: [:])
        recorder.record("forward", track: "compute", start: 10, end: 20, arguments: [:])
        XCTAssertEqual(recorder.spans.map(\.threadID), [2, 0])
        XCTAssertTrue(recorder.rankEvents().contains { $0.name == "thread_name" && $0.threadID == 2 && $0.args["name"] == .string("io") })
    }

    func testWritesAChromeTraceFile() throws {
        let directory = try TestFiles.temporaryDirectory(self)
        let path = directory.appendingPathComponent("trace.json").path
        let communicator = SingleProcessCommunicator()
        let recorder = ChromeTraceRecorder(communicator: communicator, maxSteps: 3)
        let t = DispatchTime.now().uptimeNanoseconds
        recorder.record("forward", track: "compute", start: t, end: t + 1_000, arguments: [:])
        let count = try recorder.write(to: path, communicator: communicator)

        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let events = try XCTUnwrap(object?["traceEvents"] as? [[String: Any]])
        XCTAssertEqual(events.count, count)
        let spans = events.filter { $0["ph"] as? String == "X" }
        XCTAssertEqual(spans.map { $0["name"] as? String }, ["forward"])
        XCTAssertEqual(spans.first?["pid"] as? Int, 0)
        XCTAssertEqual(spans.first?["dur"] as? Double, 1.0)
    }
}
