import Foundation
import Training
import XCTest
@testable import Experiments

/// A grid file's `base` overrides the user's `--config` whichever way each spells a key.
final class SweepGridKeySpellingTests: XCTestCase {
    func testBaseOverridesTheUsersConfigInEitherSpelling() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("SweepGridKeySpelling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let grid = dir.appendingPathComponent("grid.json")
        try Data(#"{"base": {"global-batch-size": 20, "epochs": 2}, "grid": {"lr": [0.1]}}"#.utf8).write(to: grid)
        let user = dir.appendingPathComponent("user.json")
        try Data(#"{"globalBatchSize": 50, "depth": 3}"#.utf8).write(to: user)
        let merged = try SweepGridFile(path: grid.path).mergedConfig(userConfigPath: user.path)
        let config = try TrainingConfig().overlaying(json: merged, source: "merged")
        XCTAssertEqual(config.globalBatchSize, 20)
        XCTAssertEqual(config.epochs, 2)
        XCTAssertEqual(config.depth, 3)

        try Data(#"{"base": {"run-dir": "x"}, "grid": {"lr": [0.1]}}"#.utf8).write(to: grid)
        XCTAssertThrowsError(try SweepGridFile(path: grid.path)) { XCTAssertTrue("\($0)".contains("cannot be set in a sweep"), "\($0)") }
    }
}
