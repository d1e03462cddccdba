import XCTest
@testable import Reporting

/// Compares the hand-written encoder with bytes from protobuf's own Python serializer
/// (`event_pb2.Event(...).SerializeToString().hex()` with tensorboard's compat protos).
final class ProtobufEncodingTests: XCTestCase {
    func testScalarEventMatchesProtobuf() {
        let record = TensorBoardRecord(wallTime: 1.5, step: 7, scalars: [.init(tag: "loss", value: 0.25)])
        XCTAssertEqual(hex(record.encodedEvent()), "09000000000000f83f10072a0d0a0b0a046c6f7373150000803e")
    }

    func testZeroScalarIsStillWritten() {
        let record = TensorBoardRecord(wallTime: 3, step: 1, scalars: [.init(tag: "zero", value: 0)])
        XCTAssertEqual(hex(record.encodedEvent()), "09000000000000084010012a0d0a0b0a047a65726f1500000000")
    }

    func testFileVersionEventMatchesProtobuf() {
        let record = TensorBoardRecord(wallTime: 1_700_000_000, step: 0, fileVersion: "brain.Event:2")
        XCTAssertEqual(hex(record.encodedEvent()), "0900000040fc54d9411a0d627261696e2e4576656e743a32")
    }

    func testHistogramEventMatchesProtobuf() {
        let histogram = HistogramData(min: -1, max: 2, count: 3, sum: 1.5, sumOfSquares: 5.25,
                                      bucketLimits: [0.5, .greatestFiniteMagnitude], bucketCounts: [1, 2])
        let record = TensorBoardRecord(wallTime: 2, step: 300, histograms: [.init(tag: "w", data: histogram)])
        XCTAssertEqual(hex(record.encodedEvent()),
                       "09000000000000004010ac022a580a560a01772a5109000000000000f0bf1100000000000000401900000000"
                       + "0000084021000000000000f83f2900000000000015403210000000000000e03fffffffffffffef7f3a1000"
                       + "0000000000f03f0000000000000040")
    }

    func testFramingMatchesTensorBoardRecordWriter() {
        let record = TensorBoardRecord(wallTime: 1.5, step: 7, scalars: [.init(tag: "loss", value: 0.25)])
        XCTAssertEqual(hex(RecordFraming.frame(record.encodedEvent())),
                       "1a00000000000000129bd82d09000000000000f83f10072a0d0a0b0a046c6f7373150000803ec9d07b8d")
    }

    func testDecodingSkipsUnknownFields() throws {
        var writer = ProtobufWriter()
        writer.writeDouble(field: 1, 4.0)
        writer.writeInt64(field: 2, 9)
        writer.writeString(field: 4, "graph bytes")  // graph_def, not read here
        writer.writeInt64(field: 99, 123)
        let record = try TensorBoardRecord(decodingEvent: writer.bytes[...])
        XCTAssertEqual(record, TensorBoardRecord(wallTime: 4, step: 9))
    }

    func testNegativeStepRoundTrips() throws {
        let record = TensorBoardRecord(wallTime: 1, step: -5, scalars: [.init(tag: "a", value: 1)])
        XCTAssertEqual(try TensorBoardRecord(decodingEvent: record.encodedEvent()[...]), record)
    }

    func testTruncatedMessageIsAnErrorNotACrash() throws {
        let bytes = TensorBoardRecord(wallTime: 1.5, step: 7, scalars: [.init(tag: "loss", value: 0.25)]).encodedEvent()
        // Cuts after wall_time (9 bytes) and after step (11 bytes) leave valid, shorter events.
        XCTAssertEqual(try TensorBoardRecord(decodingEvent: bytes[..<9]), TensorBoardRecord(wallTime: 1.5, step: 0))
        XCTAssertEqual(try TensorBoardRecord(decodingEvent: bytes[..<11]), TensorBoardRecord(wallTime: 1.5, step: 7))
        for length in 1..<bytes.count where length != 9 && length != 11 {
            XCTAssertThrowsError(try TensorBoardRecord(decodingEvent: bytes[..<length]), "prefix of \(length) bytes")
        }
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
