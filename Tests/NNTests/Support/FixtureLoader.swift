import Foundation
import XCTest

/// Reads the PyTorch golden files in `Tests/NNTests/Fixtures` (written by
/// `scripts/make_optimizer_fixtures.py`).
enum FixtureLoader {
    /// Decodes `Fixtures/<name>.json` as `T`, failing the test (not trapping) when it is missing
    /// or malformed.
    static func load<T: Decodable>(_ type: T.Type, _ name: String,
                                   file: StaticString = #filePath, line: UInt = #line) throws -> T {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                                "Fixtures/\(name).json is not in the test bundle; regenerate it with "
                                    + "scripts/make_optimizer_fixtures.py", file: file, line: line)
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}
