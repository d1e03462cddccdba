import DataFormats
import Foundation
import XCTest

/// Replays every file in Fixtures/corpus/<format>/: hand-picked hostile inputs, plus any input
/// that ever crashed a parser. Each must parse or be refused with a one-line error naming it.
final class CorpusReplayTests: XCTestCase {
    /// Feeds each `.extension` file under corpus/`format` to `parse`, returning how many it had.
    private func replay(_ format: String, extension: String,
                        file: StaticString = #filePath, line: UInt = #line,
                        parse: (URL) throws(DataFormatError) -> Void) throws -> Int {
        let folder = try fixtureURL("corpus/\(format)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".\(`extension`)") }
            .sorted()
        for name in names {
            let url = folder.appendingPathComponent(name)
            do {
                try parse(url)
            } catch {
                XCTAssertTrue(error.description.hasPrefix("\(url.path): "), error.description, file: file, line: line)
                XCTAssertFalse(error.description.contains("\n"), error.description, file: file, line: line)
                // A hostile header must not balloon the message either.
                XCTAssertLessThan(error.description.count, url.path.count + 400, error.description, file: file, line: line)
            }
        }
        return names.count
    }

    func testSafeTensorsCorpus() throws {
        let count = try replay("safetensors", extension: "safetensors") { url throws(DataFormatError) in
            _ = try SafeTensorsFile.read(contentsOf: url)
        }
        XCTAssertGreaterThanOrEqual(count, 20)
    }

    func testNumPyCorpus() throws {
        let count = try replay("npy", extension: "npy") { url throws(DataFormatError) in
            _ = try NumPyFile.read(contentsOf: url)
        }
        XCTAssertGreaterThanOrEqual(count, 15)
    }

    func testCSVCorpus() throws {
        let count = try replay("csv", extension: "csv") { url throws(DataFormatError) in
            let table = try CSVTable.read(contentsOf: url)
            _ = try table.split(targetColumn: table.columnNames.last ?? "")
        }
        XCTAssertGreaterThanOrEqual(count, 10)
    }

    /// The headline attacks are refused for the right reason, not just without crashing.
    func testHeadlineAttacksAreRefusedForTheRightReason() throws {
        let huge = try fixtureURL("corpus/safetensors/header-length-2-pow-60.safetensors")
        assertThrows("\(huge.path): header length 1152921504606846976 exceeds the 100 MB limit; the file is corrupt or not a safetensors file") {
            try SafeTensorsFile.read(contentsOf: huge)
        }
        let nestedJSON = try fixtureURL("corpus/safetensors/json-nested-100k.safetensors")
        assertThrows("\(nestedJSON.path): header is not valid JSON; the file is corrupt or not a safetensors file") {
            try SafeTensorsFile.read(contentsOf: nestedJSON)
        }
        let axes = try fixtureURL("corpus/safetensors/shape-with-20k-axes.safetensors")
        // Valid, if absurd: twenty thousand axes of extent 1 hold one element.
        XCTAssertEqual(try SafeTensorsFile.read(contentsOf: axes)["w"]?.shape, Array(repeating: 1, count: 20_000))
        let nestedTuple = try fixtureURL("corpus/npy/nested-parens-100k.npy")
        assertThrows("\(nestedTuple.path): header is not a valid Python dict literal (literals nested more than 32 deep at offset 32); the file is corrupt") {
            try NumPyFile.read(contentsOf: nestedTuple)
        }
        let hugeShape = try fixtureURL("corpus/npy/shape-huge-no-data.npy")
        assertThrows("\(hugeShape.path): shape (1000000000000,) of float32 needs 4000000000000 bytes of data but the file holds 0; the file is truncated") {
            try NumPyFile.read(contentsOf: hugeShape)
        }
    }
}
