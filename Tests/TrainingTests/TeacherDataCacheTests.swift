import Foundation
import XCTest
@testable import Training

/// The teacher data a sweep's points share: read back bit for bit as generated, written once
/// per seed, and never trusted when damaged.
final class TeacherDataCacheTests: XCTestCase {
    func config(task: TaskChoice, seed: UInt64 = 3) throws -> TrainingConfig {
        var c = try Preset.config(named: task == .classification ? "teacher-classification" : "teacher-regression")
        c.samples = 300
        c.seed = seed
        return c
    }

    /// Loads through the cache, counting how often the data had to be generated.
    func load(_ c: TrainingConfig, _ dir: URL, generated: inout Int) -> Dataset {
        var calls = 0
        let data = TeacherDataCache.load(c, directory: dir) { calls += 1; return DatasetLoader.teacher($0) }
        generated += calls
        return data
    }

    func assertSame(_ a: Dataset, _ b: Dataset, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.inputs.shape, b.inputs.shape, file: file, line: line)
        XCTAssertEqual(a.targets.shape, b.targets.shape, file: file, line: line)
        XCTAssertEqual(a.inputs.scalars.map(\.bitPattern), b.inputs.scalars.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(a.targets.scalars.map(\.bitPattern), b.targets.scalars.map(\.bitPattern), file: file, line: line)
        XCTAssertEqual(a.labels, b.labels, file: file, line: line)
    }

    func testAWarmEntryIsTheGeneratedDataBitForBitAndIsNotGeneratedAgain() throws {
        for task in [TaskChoice.classification, .regression] {
            let dir = try TestFiles.temporaryDirectory(self)
            let c = try config(task: task)
            var generated = 0
            let cold = load(c, dir, generated: &generated)
            let warm = load(c, dir, generated: &generated)
            XCTAssertEqual(generated, 1, "\(task): generated once, then read")
            assertSame(cold, DatasetLoader.teacher(c))
            assertSame(warm, DatasetLoader.teacher(c))
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2, "one entry: two files")
        }
    }

    func testEachSeedHasItsOwnEntry() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        var generated = 0
        let one = load(try config(task: .classification, seed: 1), dir, generated: &generated)
        let two = load(try config(task: .classification, seed: 2), dir, generated: &generated)
        XCTAssertEqual(generated, 2)
        XCTAssertNotEqual(one.inputs.scalars, two.inputs.scalars)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 4)
    }

    func testADamagedOrMisshapenEntryIsGeneratedAgainAndReplaced() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let c = try config(task: .classification)
        var generated = 0
        _ = load(c, dir, generated: &generated)
        let (inputs, targets) = TeacherDataCache.entry(c, in: dir)

        let whole = try Data(contentsOf: inputs)
        try whole.prefix(whole.count / 2).write(to: inputs)   // cut short
        assertSame(load(c, dir, generated: &generated), DatasetLoader.teacher(c))
        XCTAssertEqual(generated, 2, "a truncated entry is not read")
        XCTAssertEqual(try Data(contentsOf: inputs), whole, "and is replaced by a whole one")

        try writeNumPy([0, 1, 2, 1], shape: [4], to: targets)   // another sample count
        assertSame(load(c, dir, generated: &generated), DatasetLoader.teacher(c))
        XCTAssertEqual(generated, 3, "a misshapen entry is not read")

        let labels = try Data(contentsOf: targets)
        try writeNumPy([Float](repeating: 9, count: c.samples), shape: [c.samples], to: targets)   // no such class
        assertSame(load(c, dir, generated: &generated), DatasetLoader.teacher(c))
        XCTAssertEqual(generated, 4, "labels outside the classes are not read")
        XCTAssertEqual(try Data(contentsOf: targets), labels)
    }
}
