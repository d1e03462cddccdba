import Experiments
import Foundation
import Training
import XCTest

/// Replays Fixtures/corpus/grid/ the way `scripts/fuzz.sh grid` (Fuzz/grid.swift) reads its
/// inputs: each file both as a `--grid-file` and, line by line, as `--grid` flags, each grid
/// that parses expanded as `sweep` (and, for flags, `critical-batch`) expands it. `good-file-*`
/// must parse as a file and `good-flags-*` as flags; `fuzz-*` (kept by the fuzzer) may parse
/// either way; everything else must be refused both ways. A refusal is one `SweepError` line
/// naming the file, the flag or the point.
final class GridCorpusReplayTests: XCTestCase {
    /// Grids with more points are parsed but not expanded, as in the fuzz target.
    private let expandedPoints = 16

    /// Nil when the input is accepted as a grid file; otherwise the refusal.
    private func asFile(_ data: Data, path: String) -> SweepError? {
        do {
            let file = try SweepGridFile(data: data, path: path)
            _ = try file.mergedConfig(userConfigPath: nil)
            if file.grid.pointCount <= expandedPoints {
                var base = try file.preset.map { try Preset.config(named: $0) } ?? TrainingConfig()
                base = try base.overlaying(json: file.base, source: path)
                _ = try SweepPlan(base: base, grid: file.grid)
            }
            return nil
        } catch let error as SweepError {
            return error
        } catch {
            return SweepError("not a SweepError: \(error)")
        }
    }

    /// Nil when every line of the input is accepted as a `--grid` flag; otherwise the refusal.
    private func asFlags(_ data: Data) -> SweepError? {
        let flags = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        do {
            let grid = try SweepGrid(flags: flags)
            if grid.pointCount <= expandedPoints {
                _ = try SweepPlan(base: TrainingConfig(), grid: grid)
                _ = try CriticalBatchArchitecture.expand(base: TrainingConfig(), grid: grid)
            }
            return nil
        } catch let error as SweepError {
            return error
        } catch {
            return SweepError("not a SweepError: \(error)")
        }
    }

    private func assertOneLine(_ error: SweepError?, naming: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let message = error?.message else { return }
        XCTAssertTrue(message.hasPrefix(naming) || message.hasPrefix("sweep point "), "\(name): \(message)", file: file, line: line)
        XCTAssertFalse(message.contains("\n") || message.contains("\r"), "\(name): \(message)", file: file, line: line)
        XCTAssertLessThan(message.count, 1000, "\(name): \(message.prefix(200))…", file: file, line: line)
    }

    func testGridCorpusReplays() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "corpus/grid", withExtension: nil, subdirectory: "Fixtures"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 30)
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let fileError = asFile(data, path: name), flagsError = asFlags(data)
            assertOneLine(fileError, naming: name, name)
            assertOneLine(flagsError, naming: "--grid", name)
            if name.hasPrefix("good-file") {
                XCTAssertNil(fileError, "\(name) should parse as a grid file")
            } else if name.hasPrefix("good-flags") {
                XCTAssertNil(flagsError, "\(name) should parse as --grid flags")
            } else if !name.hasPrefix("fuzz-") {
                XCTAssertNotNil(fileError, "\(name) should be refused as a grid file")
                XCTAssertNotNil(flagsError, "\(name) should be refused as --grid flags")
            }
        }
    }
}
