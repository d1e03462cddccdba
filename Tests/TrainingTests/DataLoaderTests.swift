import Autograd
import Foundation
import Training
import XCTest

/// `DatasetLoader` for every dataset kind, and `Dataset.split`.
final class DataLoaderTests: XCTestCase {
    private func config(_ edit: (inout TrainingConfig) -> Void) -> TrainingConfig {
        var c = TrainingConfig()
        edit(&c)
        return c
    }

    private func assertLoadFails(_ c: TrainingConfig, contains expected: [String],
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try DatasetLoader.load(c), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
            for part in expected {
                XCTAssertTrue(message.contains(part), "'\(message)' should mention '\(part)'", file: file, line: line)
            }
        }
    }

    // MARK: seed-random

    func testSeedRandomDataHasTheSeedsShapesAndIsStandardNormal() throws {
        let data = try DatasetLoader.load(config { $0.samples = 1000 })
        XCTAssertEqual(data.inputs.shape, [1000, 10])
        XCTAssertEqual(data.targets.shape, [1000, 1])
        XCTAssertNil(data.labels)
        let x = data.inputs.scalars
        let mean = x.reduce(0, +) / Float(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(x.count)
        XCTAssertEqual(mean, 0, accuracy: 0.05)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testSeedRandomDataIsFixedBySeed() throws {
        let a = try DatasetLoader.load(config { $0.seed = 1 })
        let b = try DatasetLoader.load(config { $0.seed = 1 })
        let c = try DatasetLoader.load(config { $0.seed = 2 })
        XCTAssertEqual(a.inputs.scalars, b.inputs.scalars)
        XCTAssertEqual(a.fingerprint, b.fingerprint)
        XCTAssertNotEqual(a.inputs.scalars, c.inputs.scalars)
        XCTAssertNotEqual(a.fingerprint, c.fingerprint)
    }

    func testSeedRandomForResNetHasChannelsAndSequence() throws {
        let data = try DatasetLoader.load(try Preset.config(named: "seed-resnet1d"))
        XCTAssertEqual(data.inputs.shape, [100, 3, 10])
        XCTAssertEqual(data.targets.shape, [100, 1, 10])
    }

    // MARK: teacher

    func testTeacherRegressionTargetsDependOnInputs() throws {
        var c = try Preset.config(named: "teacher-regression")
        c.samples = 256
        let data = try DatasetLoader.load(c)
        XCTAssertEqual(data.inputs.shape, [256, 10])
        XCTAssertEqual(data.targets.shape, [256, 1])
        XCTAssertTrue(data.targets.scalars.allSatisfy(\.isFinite))
        // With noise 0 the targets are a deterministic function of the inputs.
        c.noise = 0
        let clean = try DatasetLoader.load(c)
        XCTAssertEqual(clean.inputs.scalars, data.inputs.scalars)
        let difference = zip(clean.targets.scalars, data.targets.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(difference, 0, "noise 0.1 changes the targets")
        XCTAssertLessThan(difference, 1, "noise 0.1 changes them a little")
    }

    func testTeacherClassificationHasLabelsInRangeAndSeveralClasses() throws {
        var c = try Preset.config(named: "teacher-classification")
        c.samples = 512
        let data = try DatasetLoader.load(c)
        let labels = try XCTUnwrap(data.labels)
        XCTAssertEqual(labels.count, 512)
        XCTAssertTrue(labels.allSatisfy { (0..<4).contains($0) })
        XCTAssertGreaterThanOrEqual(Set(labels).count, 3, "a learnable task uses most classes")
        XCTAssertEqual(data.targets.scalars, labels.map(Float.init))
    }

    // MARK: npy

    func testNumPyDataLoadsAsWritten() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let x = (0..<40).map { Float($0) / 7 }, y = (0..<4).map { Float($0) }
        try writeNumPy(x, shape: [4, 10], to: dir.appendingPathComponent("x.npy"))
        try writeNumPy(y, shape: [4, 1], to: dir.appendingPathComponent("y.npy"))
        let data = try DatasetLoader.load(config {
            $0.dataset = .npy; $0.inputsPath = dir.appendingPathComponent("x.npy").path
            $0.targetsPath = dir.appendingPathComponent("y.npy").path
        })
        XCTAssertEqual(data.inputs.shape, [4, 10])
        XCTAssertEqual(data.inputs.scalars, x)
        XCTAssertEqual(data.targets.scalars, y)
    }

    func testNumPyClassificationTargetsBecomeLabels() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        try writeNumPy([Float](repeating: 0.5, count: 30), shape: [3, 10], to: dir.appendingPathComponent("x.npy"))
        try writeNumPy([2, 0, 1], shape: [3], to: dir.appendingPathComponent("y.npy"))
        var c = config {
            $0.dataset = .npy; $0.task = .classification; $0.outputs = 3
            $0.inputsPath = dir.appendingPathComponent("x.npy").path; $0.targetsPath = dir.appendingPathComponent("y.npy").path
        }
        XCTAssertEqual(try DatasetLoader.load(c).labels, [2, 0, 1])
        c.outputs = 2
        assertLoadFails(c, contains: ["y.npy", "target 0 is 2.0", "--outputs"])
    }

    func testNumPyErrorsNameTheFile() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let x = dir.appendingPathComponent("x.npy"), y = dir.appendingPathComponent("y.npy")
        let bad = dir.appendingPathComponent("bad.npy"), nan = dir.appendingPathComponent("nan.npy")
        try writeNumPy([Float](repeating: 1, count: 50), shape: [5, 10], to: x)
        try writeNumPy([1, 2, 3, 4], shape: [4, 1], to: y)
        try Data("not a numpy file".utf8).write(to: bad)
        try writeNumPy([1, .nan, 3, 4, 5], shape: [5, 1], to: nan)
        func npy(_ inputs: URL, _ targets: URL) -> TrainingConfig {
            config { $0.dataset = .npy; $0.inputsPath = inputs.path; $0.targetsPath = targets.path }
        }
        assertLoadFails(npy(x, y), contains: ["x.npy has 5 samples", "y.npy has 4", "same leading axis"])
        assertLoadFails(npy(bad, y), contains: ["bad.npy"])
        assertLoadFails(npy(x, nan), contains: ["nan.npy", "element 1", "NaN"])
        assertLoadFails(npy(dir.appendingPathComponent("missing.npy"), y), contains: ["missing.npy"])
        let wide = dir.appendingPathComponent("wide.npy")
        try writeNumPy([Float](repeating: 1, count: 20), shape: [4, 5], to: wide)
        assertLoadFails(npy(wide, y), contains: ["shape [5]", "expects [10]", "--input-features"])
        let twoTargets = dir.appendingPathComponent("y2.npy")
        try writeNumPy([Float](repeating: 1, count: 10), shape: [5, 2], to: twoTargets)
        assertLoadFails(npy(x, twoTargets), contains: ["2 values per sample", "--outputs"])
    }

    // MARK: csv

    func testCSVSplitsTheTargetColumnFromTheFeatures() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let url = dir.appendingPathComponent("data.csv")
        try Data("a,b,y\n1,2,0.5\n3,4,1.5\n5,6,2.5\n".utf8).write(to: url)
        let data = try DatasetLoader.load(config {
            $0.dataset = .csv; $0.csvPath = url.path; $0.targetColumn = "y"; $0.inputFeatures = 2
        })
        XCTAssertEqual(data.inputs.shape, [3, 2])
        XCTAssertEqual(data.inputs.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(data.targets.scalars, [0.5, 1.5, 2.5])
        assertLoadFails(config { $0.dataset = .csv; $0.csvPath = url.path; $0.targetColumn = "z"; $0.inputFeatures = 2 },
                        contains: ["data.csv", "no column named", "--target-column"])
    }

    // MARK: split

    func testSplitHoldsOutTheLastFraction() throws {
        let data = try DatasetLoader.load(config { $0.samples = 10 })
        let (train, validation) = data.split(validationFraction: 0.2)
        let v = try XCTUnwrap(validation)
        XCTAssertEqual(train.count, 8)
        XCTAssertEqual(v.count, 2)
        XCTAssertEqual(train.inputs.scalars, Array(data.inputs.scalars[0..<80]))
        XCTAssertEqual(v.inputs.scalars, Array(data.inputs.scalars[80..<100]))
        XCTAssertEqual(v.targets.scalars, Array(data.targets.scalars[8..<10]))
    }

    func testSplitKeepsLabels() throws {
        var c = try Preset.config(named: "teacher-classification")
        c.samples = 20
        let data = try DatasetLoader.load(c)
        let (train, validation) = data.split(validationFraction: 0.25)
        XCTAssertEqual(train.labels, Array(data.labels![0..<15]))
        XCTAssertEqual(validation?.labels, Array(data.labels![15..<20]))
    }

    func testSplitOfNothingOrEverythingKeepsAllForTraining() throws {
        let data = try DatasetLoader.load(config { $0.samples = 10 })
        XCTAssertNil(data.split(validationFraction: 0).validation)
        XCTAssertEqual(data.split(validationFraction: 0).train.count, 10)
        XCTAssertNil(data.split(validationFraction: 0.01).validation, "rounds to 0 held-out samples")
    }
}
