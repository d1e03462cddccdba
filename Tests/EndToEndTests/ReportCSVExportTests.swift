import Foundation
import RunReports
import Training
import XCTest

/// `MetricsCSV` and `RunHistory` on hand-written run directories, and `ddp-train export-csv`
/// on a real run.
final class ReportCSVExportTests: XCTestCase {
    /// Writes a run directory whose metrics.jsonl holds `lines`, with a config.json naming
    /// three weight layers in model order (model.10 last, which name order would put second).
    static func makeRun(in parent: URL, name: String, lines: [String], activation: String = "sigmoid",
                        terminated: Bool = true) throws -> URL {
        let dir = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = lines.joined(separator: "\n") + (terminated ? "\n" : "")
        try Data(text.utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))
        let config = """
            {"preset":"seed-sigmoid-mlp","activation":"\(activation)","depth":2,"lr":0.01,
             "resolved":{"worldSize":2,"effectiveBatchSize":100,"learningRate":0.009999999776482582,
                         "parameters":[{"name":"model.0.weight","shape":[4,3]},{"name":"model.0.bias","shape":[4]},
                                       {"name":"model.2.weight","shape":[4,4]},{"name":"model.10.weight","shape":[1,4]}]}}
            """
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        return dir
    }

    static func stepLine(_ step: Int, loss: Double, diagnostics: Bool = false, saturated: Double = 0.1) -> String {
        var line = #"{"type":"step","step":\#(step),"epoch":1,"loss":\#(loss),"lr":0.01,"samples_per_second":100,"#
            + #""grad_norms":{"model.0.weight":\#(1e-6 * Double(step)),"model.2.weight":0.01,"model.10.weight":0.5},"#
            + #""vanishing_factor":0.0001,"#
            + #""timing":{"forward":{"mean_ms":2,"max_ms":3},"backward":{"mean_ms":4,"max_ms":5},"#
            + #""gradient_sync":{"mean_ms":1,"max_ms":1.5},"optimizer":{"mean_ms":0.5,"max_ms":0.6}}"#
        if diagnostics {
            line += #","diagnostics":{"local_grad_norms":{"model.0.weight":{"mean":2e-6,"spread":1e-7}},"#
                + #""update_ratios":{"model.0.weight":null},"#
                + #""activations":{"model.1":{"mean":0.5,"std":0.1,"saturated_fraction":\#(saturated),"dead_fraction":null}},"#
                + #""noise_scale_unavailable":"one rank, no accumulation"}"#
        }
        return line + "}"
    }

    func testColumnsFollowTheSchemaAndEpochsMergeByStep() throws {
        let parent = try DDPTrainProcess.temporaryDirectory(self)
        let dir = try Self.makeRun(in: parent, name: "run", lines: [
            Self.stepLine(1, loss: 2.5, diagnostics: true),
            Self.stepLine(2, loss: 2.25),
            #"{"type":"epoch","epoch":1,"step":2,"train_loss":2.375,"val_loss":2.5}"#,
            #"{"type":"epoch","epoch":2,"step":4,"train_loss":2.0}"#,  // step 4 was not logged
        ])
        let history = try RunHistory.load(dir.path)
        let (columns, rows) = MetricsCSV.table(history)
        XCTAssertEqual(Array(columns.prefix(9)), [
            "step", "epoch", "loss", "lr", "samples_per_second",
            "grad_norms/model.0.weight", "grad_norms/model.2.weight", "grad_norms/model.10.weight", "vanishing_factor",
        ])
        XCTAssertEqual(Array(columns[9..<13]), ["timing/forward/mean_ms", "timing/forward/max_ms",
                                                "timing/backward/mean_ms", "timing/backward/max_ms"])
        XCTAssertEqual(Array(columns.suffix(2)), ["train_loss", "val_loss"], "epoch columns come last")
        XCTAssertTrue(columns.contains("diagnostics/activations/model.1/saturated_fraction"))
        XCTAssertFalse(columns.contains("type"))
        XCTAssertLessThan(try XCTUnwrap(columns.firstIndex(of: "diagnostics/local_grad_norms/model.0.weight/mean")),
                          try XCTUnwrap(columns.firstIndex(of: "diagnostics/activations/model.1/mean")))

        XCTAssertEqual(rows.count, 3, "two step rows and one row for the epoch whose step was not logged")
        func cell(_ row: Int, _ column: String) -> String { rows[row][columns.firstIndex(of: column)!] }
        XCTAssertEqual(rows.indices.map { cell($0, "step") }, ["1", "2", "4"])
        XCTAssertEqual(cell(0, "train_loss"), "")
        XCTAssertEqual(cell(1, "train_loss"), "2.375")
        XCTAssertEqual(cell(1, "val_loss"), "2.5")
        XCTAssertEqual(cell(1, "loss"), "2.25")
        XCTAssertEqual(cell(2, "train_loss"), "2")
        XCTAssertEqual(cell(2, "loss"), "", "the epoch-only row has no step columns")
        XCTAssertEqual(cell(0, "grad_norms/model.0.weight"), "1e-06")
        XCTAssertEqual(cell(0, "diagnostics/update_ratios/model.0.weight"), "", "null is an empty cell")
        XCTAssertEqual(cell(1, "diagnostics/activations/model.1/mean"), "", "non-diagnostic steps leave it empty")

        let csv = MetricsCSV.csv(history)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[0].hasPrefix("step,epoch,loss,lr,"))
        XCTAssertTrue(csv.contains("\"one rank, no accumulation\""), "text with a comma is quoted")
    }

    func testDamagedMetricsFiles() throws {
        let parent = try DDPTrainProcess.temporaryDirectory(self)
        let torn = try Self.makeRun(in: parent, name: "torn", lines: [Self.stepLine(1, loss: 1), #"{"type":"step","st"#],
                                    terminated: false)
        let history = try RunHistory.load(torn.path)
        XCTAssertEqual(history.steps.count, 1)
        XCTAssertEqual(history.notes.count, 1)
        XCTAssertTrue(history.notes[0].contains("incomplete last line"), history.notes[0])

        let broken = try Self.makeRun(in: parent, name: "broken", lines: [Self.stepLine(1, loss: 1), "not json", Self.stepLine(2, loss: 1)])
        XCTAssertThrowsError(try RunHistory.load(broken.path)) { error in
            XCTAssertTrue("\(error)".contains("metrics.jsonl:2"), "\(error)")
        }
        let mixed = try Self.makeRun(in: parent, name: "mixed", lines: [
            Self.stepLine(1, loss: 1), #"{"type":"eval","step":1,"val_loss":0.5}"#, #"{"type":"hparams","lr":"x"}"#])
        let mixedHistory = try RunHistory.load(mixed.path)
        XCTAssertEqual(mixedHistory.steps.count, 1)
        XCTAssertEqual(mixedHistory.evaluations.first?["val_loss"], 0.5)
        XCTAssertEqual(mixedHistory.notes.count, 1)
        XCTAssertTrue(mixedHistory.notes[0].contains("metrics.jsonl:3: skipped a record of unknown type 'hparams'"), mixedHistory.notes[0])

        let missing = parent.appendingPathComponent("nowhere").path
        XCTAssertThrowsError(try RunHistory.load(missing)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
    }

    func testExportCSVOfARealRun() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let run = dir.appendingPathComponent("run")
        let train = try DDPTrainProcess.run(["--preset", "seed-sigmoid-mlp", "--epochs", "3", "--diagnostics-every", "2",
                                             "--quiet", "--run-dir", run.path])
        XCTAssertEqual(train.status, 0, train.output)
        let out = dir.appendingPathComponent("out.csv")
        let export = try DDPTrainProcess.run(["export-csv", run.path, "-o", out.path])
        XCTAssertEqual(export.status, 0, export.output)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try XCTUnwrap(lines.first)
        let steps = try DDPTrainProcess.metrics(run, type: "step")
        XCTAssertEqual(lines.count - 1, steps.count)
        let column = try XCTUnwrap(header.firstIndex(of: "grad_norms/model.0.weight"))
        // The expected values are read from the file's text: JSONSerialization (which `steps`
        // comes from) can be an ulp off on Linux, JSONDecoder (the export's reader) is exact.
        let texts = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains(#""type":"step""#) }
        XCTAssertEqual(texts.count, steps.count)
        for ((row, step), text) in zip(zip(lines.dropFirst(), steps), texts) {
            XCTAssertEqual(row.count, header.count)
            let parsed = try XCTUnwrap((step["grad_norms"] as? [String: Any])?["model.0.weight"] as? Double)
            let written = try XCTUnwrap(text.firstRange(of: #""grad_norms":{"model.0.weight":"#).map { text[$0.upperBound...] })
            let expected = try XCTUnwrap(Double(String(written.prefix { $0 != "," && $0 != "}" })))
            XCTAssertEqual(parsed, expected, accuracy: 4 * expected.ulp)
            XCTAssertEqual(Double(row[column]), expected, "values survive the round trip exactly")
        }
        XCTAssertTrue(header.contains("diagnostics/activations/model.19/saturated_fraction"))
        XCTAssertTrue(header.contains("train_loss"))

        let missing = try DDPTrainProcess.run(["export-csv", dir.appendingPathComponent("nope").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no such run directory"), missing.stderr)
    }
}
