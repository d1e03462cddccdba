import DataFormats
import Foundation
import XCTest

final class AtomicFileWriterTests: XCTestCase {
    func testCreatesThenReplacesTheFileLeavingNoTemporaryFiles() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("checkpoint.bin")
        try AtomicFileWriter.write(Data("first version, longer than the second".utf8), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data("first version, longer than the second".utf8))

        try AtomicFileWriter.write(Data("second".utf8), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data("second".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["checkpoint.bin"])
    }

    func testWritesEmptyData() throws {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("empty")
        try AtomicFileWriter.write(Data(), to: url)
        XCTAssertEqual(try Data(contentsOf: url), Data())
    }

    func testMissingDirectoryIsAClearError() throws {
        let directory = try makeTemporaryDirectory(for: self).appendingPathComponent("missing")
        let url = directory.appendingPathComponent("out.safetensors")
        assertThrows("\(url.path): cannot create a temporary file in '\(directory.path)' (No such file or directory); check that the directory exists and is writable") {
            try AtomicFileWriter.write(Data([1]), to: url)
        }
    }

    func testTargetThatIsADirectoryIsLeftAloneAndTheTemporaryFileRemoved() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let target = directory.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        assertThrows("\(target.path): cannot replace the file (Is a directory); check that the path is not a directory and is writable") {
            try AtomicFileWriter.write(Data([1, 2, 3]), to: target)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["taken"])
    }
}
