import Foundation
import XCTest
@testable import Reporting

final class TensorBoardWriterTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    func testRoundTripThroughReader() throws {
        let logDirectory = directory.url.appendingPathComponent("run-1/nested")
        let writer = try TensorBoardWriter(directory: logDirectory, creationDate: Date(timeIntervalSince1970: 1_700_000_000),
                                           hostname: "node 7/a")
        XCTAssertEqual(writer.fileURL.lastPathComponent, "events.out.tfevents.1700000000.node_7_a")
        try writer.addScalar(tag: "train/loss", value: 2.5, step: 1, wallTime: 1_700_000_001)
        try writer.addScalar(tag: "train/loss", value: 0, step: 2, wallTime: 1_700_000_002.25)
        try writer.addHistogram(tag: "grad/layer0", values: [-1, 0, 0.5, 3], step: 2, wallTime: 1_700_000_003)
        try writer.close()

        let records = try TensorBoardReader.records(inDirectory: logDirectory)
        XCTAssertEqual(records.count, 4)
        XCTAssertEqual(records[0], TensorBoardRecord(wallTime: 1_700_000_000, step: 0, fileVersion: "brain.Event:2"))
        XCTAssertEqual(records[1], TensorBoardRecord(wallTime: 1_700_000_001, step: 1,
                                                     scalars: [.init(tag: "train/loss", value: 2.5)]))
        XCTAssertEqual(records[2].scalars, [.init(tag: "train/loss", value: 0)])
        XCTAssertEqual(records[2].wallTime, 1_700_000_002.25)
        XCTAssertEqual(records[3].step, 2)
        XCTAssertEqual(records[3].histograms, [.init(tag: "grad/layer0", data: HistogramData(values: [-1, 0, 0.5, 3]))])
    }

    func testHistogramFieldsSurviveTheFile() throws {
        let writer = try TensorBoardWriter(directory: directory.url)
        try writer.addHistogram(tag: "w", values: [1, 2, 2, 3, 10], step: 5, bucketCount: 9)
        try writer.close()
        let histogram = try XCTUnwrap(TensorBoardReader.records(inDirectory: directory.url).last?.histograms.first?.data)
        XCTAssertEqual(histogram.min, 1)
        XCTAssertEqual(histogram.max, 10)
        XCTAssertEqual(histogram.count, 5)
        XCTAssertEqual(histogram.sum, 18)
        XCTAssertEqual(histogram.sumOfSquares, 118)
        XCTAssertEqual(histogram.bucketLimits, [2, 3, 4, 5, 6, 7, 8, 9, .greatestFiniteMagnitude])
        XCTAssertEqual(histogram.bucketCounts, [1, 2, 1, 0, 0, 0, 0, 0, 1])
    }

    func testWritingAfterCloseThrows() throws {
        let writer = try TensorBoardWriter(directory: directory.url)
        try writer.close()
        XCTAssertThrowsError(try writer.addScalar(tag: "x", value: 1, step: 1)) { error in
            XCTAssertEqual(error as? TensorBoardError, .writerClosed(path: writer.fileURL.path))
        }
        XCTAssertNoThrow(try writer.close())
    }

    func testTwoWritersInTheSameSecondGetSeparateFilesInOrder() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try TensorBoardWriter(directory: directory.url, creationDate: date, hostname: "h")
        try first.addScalar(tag: "a", value: 1, step: 1, wallTime: 1)
        try first.close()
        let second = try TensorBoardWriter(directory: directory.url, creationDate: date, hostname: "h")
        try second.addScalar(tag: "a", value: 2, step: 2, wallTime: 2)
        try second.close()

        XCTAssertEqual(try TensorBoardReader.eventFiles(in: directory.url).map(\.lastPathComponent),
                       ["events.out.tfevents.1700000000.h", "events.out.tfevents.1700000000.h.1"])
        let scalars = try TensorBoardReader.records(inDirectory: directory.url).flatMap(\.scalars)
        XCTAssertEqual(scalars.map(\.value), [1, 2])
    }

    func testCorruptedDataByteIsDetected() throws {
        let file = try writeSampleFile()
        var bytes = try [UInt8](Data(contentsOf: file))
        let records = try RecordFraming.split(bytes, path: file.path, allowTruncatedTail: false).records
        let second = records[1]
        bytes[second.data.lowerBound + 3] ^= 0x01
        try Data(bytes).write(to: file)
        XCTAssertThrowsError(try TensorBoardReader.records(inFile: file)) { error in
            XCTAssertEqual(error as? TensorBoardError, .dataChecksumMismatch(path: file.path, offset: second.offset))
            XCTAssertTrue("\(error)".contains(file.path))
        }
    }

    func testCorruptedLengthByteIsDetected() throws {
        let file = try writeSampleFile()
        var bytes = try [UInt8](Data(contentsOf: file))
        bytes[0] ^= 0x40
        try Data(bytes).write(to: file)
        XCTAssertThrowsError(try TensorBoardReader.records(inFile: file)) { error in
            XCTAssertEqual(error as? TensorBoardError, .lengthChecksumMismatch(path: file.path, offset: 0))
        }
    }

    func testEveryTruncationIsAnErrorNotACrash() throws {
        let file = try writeSampleFile()
        let bytes = try [UInt8](Data(contentsOf: file))
        let boundaries = Set(try RecordFraming.split(bytes, path: "", allowTruncatedTail: false).records.map(\.frame.upperBound))
        for length in 1..<bytes.count where !boundaries.contains(length) {
            XCTAssertThrowsError(try RecordFraming.split(Array(bytes[..<length]), path: file.path,
                                                         allowTruncatedTail: false), "cut at \(length)") { error in
                guard case .truncatedRecord = error as? TensorBoardError else {
                    return XCTFail("cut at \(length): \(error)")
                }
            }
        }
        try Data(bytes.dropLast()).write(to: file)
        XCTAssertThrowsError(try TensorBoardReader.records(inFile: file)) { error in
            XCTAssertTrue("\(error)".contains("ends inside the record"), "\(error)")
        }
    }

    func testHugeClaimedLengthIsRejectedWithoutAllocating() throws {
        var length = [UInt8](repeating: 0xFF, count: 8)
        length[7] = 0x7F
        var bytes = length
        withUnsafeBytes(of: CRC32C.maskedChecksum(length).littleEndian) { bytes += $0 }
        bytes += [1, 2, 3]
        let file = directory.url.appendingPathComponent("events.out.tfevents.1.bad")
        try Data(bytes).write(to: file)
        XCTAssertThrowsError(try TensorBoardReader.records(inFile: file)) { error in
            guard case .recordTooLong(_, 0, _) = error as? TensorBoardError else { return XCTFail("\(error)") }
        }
    }

    func testDiscardRecordsKeepsStepsUpToTheCheckpoint() throws {
        let file = try writeSampleFile()
        let removed = try TensorBoardWriter.discardRecords(after: 2, in: directory.url)
        XCTAssertEqual(removed, 2)
        let records = try TensorBoardReader.records(inFile: file)
        XCTAssertEqual(records.map(\.step), [0, 1, 2])
        XCTAssertEqual(records.first?.fileVersion, "brain.Event:2")
        XCTAssertEqual(try TensorBoardWriter.discardRecords(after: 2, in: directory.url), 0)
    }

    func testDiscardRecordsDropsAnIncompleteTail() throws {
        let file = try writeSampleFile()
        let bytes = try [UInt8](Data(contentsOf: file))
        try Data(bytes.dropLast(5)).write(to: file)
        XCTAssertEqual(try TensorBoardWriter.discardRecords(after: 100, in: directory.url), 1)
        XCTAssertEqual(try TensorBoardReader.records(inFile: file).map(\.step), [0, 1, 2, 3])
    }

    func testDiscardRecordsLeavesADamagedFileAlone() throws {
        let file = try writeSampleFile()
        var bytes = try [UInt8](Data(contentsOf: file))
        bytes[bytes.count - 1] ^= 0xFF
        try Data(bytes).write(to: file)
        XCTAssertThrowsError(try TensorBoardWriter.discardRecords(after: 1, in: directory.url))
        XCTAssertEqual(try [UInt8](Data(contentsOf: file)), bytes)
    }

    func testDiscardRecordsInAMissingDirectoryDoesNothing() throws {
        XCTAssertEqual(try TensorBoardWriter.discardRecords(after: 0, in: directory.url.appendingPathComponent("absent")), 0)
    }

    /// An event file with the version record and one scalar at each of steps 1...4.
    private func writeSampleFile() throws -> URL {
        let writer = try TensorBoardWriter(directory: directory.url)
        for step in 1...4 {
            try writer.addScalar(tag: "loss", value: Float(step), step: step, wallTime: Double(step))
        }
        try writer.close()
        return writer.fileURL
    }
}
