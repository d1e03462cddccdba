import Foundation
import XCTest

/// Shared checks for the tests that run the real `ddp-train` binary.
extension XCTestCase {
    /// Runs `ddp-train arguments` and fails the test (with everything it printed) unless it
    /// exits 0.
    @discardableResult
    func runTrainer(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> DDPTrainProcess.Result {
        let result = try DDPTrainProcess.run(arguments)
        XCTAssertEqual(result.status, 0, "ddp-train \(arguments.joined(separator: " ")) failed:\n\(result.output)",
                       file: file, line: line)
        return result
    }

    /// Checks that a run failed the way a user error should: a non-zero exit, an error line on
    /// standard error that names the problem (every string in `expected`), and no crash.
    func assertUserError(_ result: DDPTrainProcess.Result, status: Int32? = nil, contains expected: [String],
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, "should fail:\n\(result.output)", file: file, line: line)
        if let status { XCTAssertEqual(result.status, status, result.output, file: file, line: line) }
        for crash in ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault", "0x0000"] {
            XCTAssertFalse(result.output.contains(crash), "crashed (\(crash)):\n\(result.output)", file: file, line: line)
        }
        // The problem is stated on one line; ArgumentParser's usage lines may follow it.
        let errorLine = result.stderr.split(separator: "\n").first { $0.contains("rror:") }.map(String.init) ?? ""
        XCTAssertFalse(errorLine.isEmpty, "no error line on stderr:\n\(result.output)", file: file, line: line)
        for part in expected {
            XCTAssertTrue(errorLine.contains(part), "error line '\(errorLine)' should mention '\(part)'", file: file, line: line)
        }
    }

    /// The run directory's config.json.
    func runConfigJSON(_ runDirectory: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let data = try Data(contentsOf: runDirectory.appendingPathComponent("config.json"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], file: file, line: line)
    }

    /// Checks the step records every run writes: consecutive logged steps with epoch, finite
    /// loss, lr and a gradient norm for every weight layer by its state-dict name.
    func assertStepRecords(_ records: [[String: Any]], steps: [Int], weights: [String], learningRate: Double,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(records.compactMap { $0["step"] as? Int }, steps, file: file, line: line)
        for r in records {
            let step = r["step"] as? Int ?? -1
            XCTAssertNotNil(r["epoch"] as? Int, "step \(step) epoch", file: file, line: line)
            let loss = r["loss"] as? Double ?? .nan
            XCTAssertTrue(loss.isFinite && loss >= 0, "step \(step) loss \(loss)", file: file, line: line)
            XCTAssertEqual(r["lr"] as? Double ?? .nan, learningRate, accuracy: learningRate * 1e-6, "step \(step) lr",
                           file: file, line: line)
            let norms = r["grad_norms"] as? [String: Double] ?? [:]
            XCTAssertEqual(Set(norms.keys), Set(weights), "step \(step) grad_norms", file: file, line: line)
            XCTAssertTrue(norms.values.allSatisfy { $0.isFinite && $0 >= 0 }, "step \(step) \(norms)", file: file, line: line)
        }
    }

    /// Writes a float32 .npy file.
    func writeNumPy(_ values: [Float], shape: [Int], to url: URL) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : "")), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        try data.write(to: url)
    }

    /// The names of the seed MLP's weight layers (10 hidden layers and the head).
    var seedMLPWeights: [String] { stride(from: 0, through: 20, by: 2).map { "model.\($0).weight" } }
}
