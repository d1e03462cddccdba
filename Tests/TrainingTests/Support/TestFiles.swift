import DataFormats
import Foundation
import XCTest

/// Files the Training unit tests read and write.
enum TestFiles {
    /// A fresh temporary directory, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ddp-train-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A file in this target's Fixtures folder.
    static func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
    }

    /// A PyTorch-made golden file. They live with the end-to-end tests, which train from them;
    /// the weights-file tests read the same bytes rather than a second copy.
    static func golden(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EndToEndTests/Fixtures/\(name)")
    }
}

extension XCTestCase {
    /// Writes a float32 .npy file through DataFormats' writer.
    func writeNumPy(_ values: [Float], shape: [Int], to url: URL) throws {
        try NumPyFile.write(ArrayData(shape: shape, values: values), to: url)
    }
}
