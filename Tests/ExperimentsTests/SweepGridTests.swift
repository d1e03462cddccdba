import Foundation
import XCTest
@testable import Experiments
import Training

/// Grids from flags and files, typed values, the points they expand to, and the errors a user
/// gets for a bad grid.
final class SweepGridTests: XCTestCase {
    func testValuesAreTypedByTheirText() {
        XCTAssertEqual(SweepValue(parsing: "0.1"), .number(0.1))
        XCTAssertEqual(SweepValue(parsing: "64"), .integer(64))
        XCTAssertEqual(SweepValue(parsing: "1e-3"), .number(0.001))
        XCTAssertEqual(SweepValue(parsing: "true"), .bool(true))
        XCTAssertEqual(SweepValue(parsing: "null"), .null)
        XCTAssertEqual(SweepValue(parsing: "relu"), .string("relu"))
        XCTAssertEqual(SweepValue(parsing: "nan"), .string("nan"), "a non-finite number is not a number here")
        let json = try! JSONSerialization.jsonObject(with: Data(#"[true, 3, 2.0, 0.5, "x", null]"#.utf8)) as! [Any]
        XCTAssertEqual(json.compactMap(SweepValue.init(json:)), [.bool(true), .integer(3), .number(2), .number(0.5), .string("x"), .null])
    }

    func testFlagsGiveDimensionsAndCombinationsFirstDimensionSlowest() throws {
        let grid = try SweepGrid(flags: ["lr=0.1,0.01", "globalBatchSize=16,64", "ranks=1,2"])
        XCTAssertEqual(grid.dimensions.map(\.name), ["lr", "globalBatchSize", "ranks"])
        XCTAssertEqual(grid.pointCount, 8)
        let combos = grid.combinations().map { $0.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }
        XCTAssertEqual(combos.prefix(3), ["lr=0.1 globalBatchSize=16 ranks=1", "lr=0.1 globalBatchSize=16 ranks=2",
                                          "lr=0.1 globalBatchSize=64 ranks=1"])
        XCTAssertEqual(combos.last, "lr=0.01 globalBatchSize=64 ranks=2")
        XCTAssertEqual(try SweepGrid(flags: []).combinations().count, 1, "an empty grid is one point: the base")
    }

    func testBadGridsNameTheFieldAndTheFix() {
        func message(_ flags: [String]) -> String {
            do { _ = try SweepGrid(flags: flags); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(["lrr=0.1"]).contains("unknown field 'lrr' (did you mean 'lr'?"), message(["lrr=0.1"]))
        XCTAssertTrue(message(["lr"]).contains("expected name=value1,value2"))
        XCTAssertTrue(message(["lr=0.1,,0.2"]).contains("empty value"))
        XCTAssertTrue(message(["lr=0.1", "lr=0.2"]).contains("given twice"))
        XCTAssertTrue(message(["lr=0.1,0.1"]).contains("repeats a value"))
        XCTAssertTrue(message(["ranks=2,0"]).contains("ranks must be whole numbers ≥ 1"))
        XCTAssertTrue(message(["ranks=1.5"]).contains("ranks must be whole numbers ≥ 1"))
        XCTAssertTrue(message(["runDir=a,b"]).contains("cannot be swept"))
    }

    func testPlanGivesEveryPointAFullExplicitConfig() throws {
        var base = try Preset.config(named: "seed-batch-lr")  // has comparison points and a global batch
        base.batchSize = 8
        let plan = try SweepPlan(base: base, grid: SweepGrid(flags: ["lr=0.05,0.001", "globalBatchSize=16,128", "ranks=1,2"]))
        XCTAssertEqual(plan.points.count, 8)
        XCTAssertNil(plan.base.comparison, "a sweep replaces the built-in comparison")
        let point = plan.points[3]
        XCTAssertEqual(point.name, "lr0.05_globalBatchSize128_ranks2")
        XCTAssertEqual(point.ranks, 2)
        XCTAssertEqual(point.config.lr, 0.05)
        XCTAssertEqual(point.config.globalBatchSize, 128)
        XCTAssertNil(point.config.batchSize, "a swept global batch replaces the base's per-rank batch, as --global-batch-size does")
        XCTAssertEqual(point.config.activation, .relu, "the preset's other settings stay")
        XCTAssertEqual(point.value(of: "ranks"), .integer(2))

        // The --config file has every field, unset optionals as null, so nothing falls back to a preset.
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: point.configJSON) as? [String: Any])
        XCTAssertEqual(Set(object.keys), Set(TrainingConfig.fieldNames))
        XCTAssertTrue(object["batchSize"] is NSNull)
        XCTAssertTrue(object["comparison"] is NSNull)
        let reread = try TrainingConfig().overlaying(json: point.configJSON, source: "test")
        XCTAssertEqual(reread, point.config)
    }

    func testPointValuesOfTheWrongTypeOrInvalidAreRefusedBeforeAnythingRuns() {
        func message(_ flags: [String]) -> String {
            do { _ = try SweepPlan(base: TrainingConfig(), grid: SweepGrid(flags: flags)); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(["lr=abc"]), "sweep point lrabc: field 'lr' must be a number")
        XCTAssertTrue(message(["activation=swish"]).hasPrefix("sweep point activationswish: activation 'swish' is not one of: sigmoid, tanh, relu, leaky-relu, elu, gelu"),
                      message(["activation=swish"]))
        XCTAssertTrue(message(["residual=1"]).contains("field 'residual' must be true or false"), message(["residual=1"]))
    }

    func testPointNamesAreFileSafeAndUnique() throws {
        let plan = try SweepPlan(base: TrainingConfig(), grid: SweepGrid(flags: ["initializer=kaiming-normal,xavier-uniform",
                                                                                  "biasInit=null,0.5"]))
        XCTAssertEqual(plan.points.map(\.name), ["initializerkaiming-normal_biasInitnull", "initializerkaiming-normal_biasInit0.5",
                                                 "initializerxavier-uniform_biasInitnull", "initializerxavier-uniform_biasInit0.5"])
        XCTAssertNil(plan.points[0].config.biasInit)
        XCTAssertEqual(plan.points[1].config.biasInit, 0.5)
        let odd = try SweepPlan(base: TrainingConfig(), grid: SweepGrid(flags: ["inputsPath=a/b.npy,a b.npy"]))
        XCTAssertEqual(odd.points.map(\.name), ["inputsPatha-b.npy", "inputsPatha-b.npy_2"])
    }

    func testGridFileKeepsTheAuthorsOrderAndChecksBase() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("grid.json")
        let text = #"{"preset": "teacher-regression", "base": {"epochs": 3, "samples": 256},"#
            + #" "grid": {"ranks": [1, 2], "lr": [0.1, 0.01], "activation": ["relu", "tanh"]}}"#
        try Data(text.utf8).write(to: file)
        let grid = try SweepGridFile(path: file.path)
        XCTAssertEqual(grid.preset, "teacher-regression")
        XCTAssertEqual(grid.grid.dimensions.map(\.name), ["ranks", "lr", "activation"])
        XCTAssertEqual(grid.grid.dimension("lr")?.values, [.number(0.1), .number(0.01)])

        // The user's --config is kept, and base overrides it.
        let user = dir.appendingPathComponent("user.json")
        try Data(#"{"epochs": 9, "width": 32}"#.utf8).write(to: user)
        let merged = try XCTUnwrap(try JSONSerialization.jsonObject(with: grid.mergedConfig(userConfigPath: user.path)) as? [String: Any])
        XCTAssertEqual(merged["epochs"] as? Int, 3)
        XCTAssertEqual(merged["width"] as? Int, 32)
        XCTAssertEqual(merged["samples"] as? Int, 256)

        func message(_ json: String) throws -> String {
            try Data(json.utf8).write(to: file)
            do { _ = try SweepGridFile(path: file.path); return "" } catch { return "\(error)" }
        }
        let path = file.path
        XCTAssertEqual(try message(#"{"grid": {"lr": 0.1}}"#), "\(path): grid: grid field 'lr' must be an array of values, like [0.1, 0.01]")
        XCTAssertEqual(try message(#"{"base": {"lrr": 1}, "grid": {}}"#), "\(path): base: unknown field 'lrr' (did you mean 'lr'? see docs/CONFIG.md)")
        XCTAssertEqual(try message(#"{"base": {"epochs": "x"}, "grid": {}}"#), "\(path): base: field 'epochs' must be an integer")
        XCTAssertTrue(try message(#"{"grids": {}}"#).contains("unknown key 'grids'"))
        XCTAssertTrue(try message(#"{"preset": "nope", "grid": {}}"#).contains("unknown preset 'nope'"))
        XCTAssertTrue(try message(#"{"base": {}}"#).contains("needs a 'grid' object"))
        XCTAssertTrue(try message("{").contains("not valid JSON"))
    }

    /// Text from the file or the flags is quoted with its control characters escaped and cut
    /// short, and a grid whose point count overflows `Int` is refused rather than trapping
    /// (scripts/fuzz.sh grid).
    func testHostileGridsAreRefusedOnOneBoundedLine() {
        func fromFile(_ json: String) -> String {
            do { _ = try SweepGridFile(data: Data(json.utf8), path: "g.json"); return "" } catch { return "\(error)" }
        }
        func fromFlags(_ flags: [String]) -> String {
            do { _ = try SweepGrid(flags: flags); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(fromFile(#"{"grid": {"l\nr": [0.1]}}"#).hasPrefix(#"g.json: grid: unknown field 'l\u{a}r' (did you mean"#))
        XCTAssertTrue(fromFile(#"{"grid": {}, "a\rb": 1}"#).hasPrefix(#"g.json: unknown key 'a\u{d}b'; "#))
        XCTAssertTrue(fromFile(#"{"grid": {"ranks": ["one\ntwo"]}}"#).hasSuffix(#"got 'one\u{a}two'"#))
        XCTAssertEqual(fromFlags(["l\u{1b}r"]), #"--grid 'l\u{1b}r': expected name=value1,value2 (e.g. --grid lr=0.1,0.01)"#)
        let long = fromFile(#"{"grid": {"lr": [["# + (0..<5000).map(String.init).joined(separator: ",") + "]]}}")
        XCTAssertTrue(long.contains("holds [0, 1, 2, 3"), long)
        XCTAssertLessThan(long.count, 300, long)

        let twenty = ["seed", "depth", "width", "samples", "epochs", "batchSize", "stepSize", "warmupSteps", "logEvery",
                      "accumulateSteps", "maxSteps", "baseBatchSize", "inputFeatures", "outputs", "sequenceLength",
                      "globalBatchSize", "warmupEpochs", "bucketMB", "lr", "momentum"]
        let overflowing = "{\"grid\": {" + twenty.map { "\"\($0)\": [1,2,3,4,5,6,7,8,9,10]" }.joined(separator: ", ") + "}}"
        XCTAssertEqual(fromFile(overflowing),
                       "g.json: grid: the grid has more than \(Int.max) points, more than 10000; split the sweep")
        XCTAssertEqual(try SweepGrid(flags: ["lr=0.1,0.2"]).pointCount, 2)
    }
}
