import DataFormats
import Foundation
import XCTest

/// Thousands of corrupted variants of valid files per parser. Each must parse or be refused with
/// a one-line error naming the file; a crash or hang fails the whole run. Inputs are seeded, so a
/// failure reproduces; copy any input that ever crashes into Fixtures/corpus/<format>/.
final class FuzzTests: XCTestCase {
    private let cases = 10_000

    private func referenceBytes(_ names: [String]) throws -> [[UInt8]] {
        try names.map { [UInt8](try Data(contentsOf: fixtureURL("reference/\($0)"))) }
    }

    /// Splits a file whose header length is the little-endian integer of `lengthSize` bytes at
    /// `lengthOffset` into its preamble, header and data.
    private func split(_ bytes: [UInt8], lengthOffset: Int, lengthSize: Int) -> (preamble: [UInt8], header: [UInt8], data: [UInt8]) {
        let headerStart = lengthOffset + lengthSize
        let length = bytes[lengthOffset..<headerStart].reversed().reduce(0) { $0 << 8 | Int($1) }
        return (Array(bytes[..<lengthOffset]), Array(bytes[headerStart..<(headerStart + length)]),
                Array(bytes[(headerStart + length)...]))
    }

    /// `preamble`, `header`'s length in `lengthSize` little-endian bytes, `header`, `data`: a
    /// mutated header behind a consistent length, so mutations reach the header's validation.
    private func join(_ preamble: [UInt8], _ header: [UInt8], _ data: [UInt8], lengthSize: Int) -> [UInt8] {
        var bytes = preamble
        for index in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: header.count >> (8 * index))) }
        return bytes + header + data
    }

    private func check(_ outcome: FuzzOutcome, cases: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let cases = cases ?? self.cases
        XCTAssertEqual(outcome.parsed + outcome.rejected, cases, file: file, line: line)
        XCTAssertEqual(outcome.malformedErrors, [], file: file, line: line)
        // Both paths must be exercised, or the mutator is too timid or too destructive to test much.
        XCTAssertGreaterThan(outcome.parsed, cases / 100, file: file, line: line)
        XCTAssertGreaterThan(outcome.rejected, cases / 2, file: file, line: line)
    }

    func testSafeTensorsParserSurvivesMutations() throws {
        let written = try SafeTensorsFile(tensors: [
            .init(name: "model.0.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
            .init(name: "model.0.bias", shape: [2], values: [0, -1]),
            .init(name: "empty", shape: [0], values: []),
        ], metadata: ["format": "pt"]).encoded(file: "seed")
        let seeds = try [[UInt8](written)] + referenceBytes(["python-f32.safetensors", "python-mixed.safetensors"])
        let outcome = fuzz(seeds: seeds, cases: cases, seed: 1, file: "fuzz.safetensors") { bytes throws(DataFormatError) in
            _ = try SafeTensorsFile(decoding: Data(bytes), file: "fuzz.safetensors")
        }
        check(outcome)
    }

    func testSafeTensorsHeaderValidationSurvivesMutations() throws {
        for (index, bytes) in try referenceBytes(["python-f32.safetensors", "python-mixed.safetensors"]).enumerated() {
            let part = split(bytes, lengthOffset: 0, lengthSize: 8)
            let outcome = fuzz(seeds: [part.header], cases: cases / 2, seed: 4 + UInt64(index), file: "fuzz.safetensors") { header throws(DataFormatError) in
                _ = try SafeTensorsFile(decoding: Data(join([], header, part.data, lengthSize: 8)), file: "fuzz.safetensors")
            }
            check(outcome, cases: cases / 2)
        }
    }

    func testNumPyParserSurvivesMutations() throws {
        let written = try NumPyFile.encode(ArrayData(shape: [2, 2], values: [1, 2, 3, 4]), file: "seed")
        let handBuilt = NumPyTestBytes.file(header: "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                                            major: 2, data: [7, 0, 0, 0, 0, 0, 0, 0])
        let seeds = try [[UInt8](written), handBuilt]
            + referenceBytes(["numpy-f8-3d.npy", "numpy-i8-labels.npy", "numpy-scalar.npy", "numpy-v3.npy", "numpy-f2.npy"])
        let outcome = fuzz(seeds: seeds, cases: cases, seed: 2, file: "fuzz.npy") { bytes throws(DataFormatError) in
            _ = try NumPyFile.decode(Data(bytes), file: "fuzz.npy")
        }
        check(outcome)
    }

    func testNumPyHeaderValidationSurvivesMutations() throws {
        let references = try referenceBytes(["numpy-f32.npy", "numpy-f8-3d.npy", "numpy-i8-labels.npy", "numpy-scalar.npy"])
        for (index, bytes) in references.enumerated() {
            let part = split(bytes, lengthOffset: 8, lengthSize: 2)
            let outcome = fuzz(seeds: [part.header], cases: cases / 4, seed: 10 + UInt64(index), file: "fuzz.npy") { header throws(DataFormatError) in
                _ = try NumPyFile.decode(Data(join(part.preamble, header, part.data, lengthSize: 2)), file: "fuzz.npy")
            }
            check(outcome, cases: cases / 4)
        }
    }

    func testCSVParserSurvivesMutations() throws {
        let seeds = [
            "x1,x2,label\n1,2.5,0\n-3e2,0.125,1\n4,5,2\n",
            "\u{FEFF}\"a\", \"b,c\" ,y\r\n 1 ,\"2\",3\r\n\r\n4,5,6\r\n",
            "only\n1\n2\n",
        ].map { Array($0.utf8) }
        let outcome = fuzz(seeds: seeds, cases: cases, seed: 3, file: "fuzz.csv") { bytes throws(DataFormatError) in
            let table = try CSVTable(decoding: Data(bytes), file: "fuzz.csv")
            if let target = table.columnNames.last {
                _ = try table.split(targetColumn: target)
            }
        }
        check(outcome)
    }
}
