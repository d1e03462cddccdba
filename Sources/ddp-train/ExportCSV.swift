import ArgumentParser
import Foundation
import RunReports
import Training

/// `ddp-train export-csv`: a run's metrics.jsonl as one flat CSV table.
struct ExportCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-csv",
        abstract: "Write a run's metrics as one flat CSV table (one row per logged step).",
        discussion: """
        Columns are the flattened metrics.jsonl keys, e.g. grad_norms/model.0.weight, timing/forward/mean_ms, \
        diagnostics/activations/model.1/dead_fraction; epoch records (train_loss, val_loss, val_accuracy) join the \
        row of their last step. See docs/METRICS.md.
        """
    )

    @Argument(help: "A run directory (holding metrics.jsonl and config.json), or a metrics.jsonl file.")
    var runDirectory: String

    @Option(name: [.short, .customLong("output")], help: "The CSV file to write (default RUN_DIR/metrics.csv; - for standard output).")
    var output: String?

    func run() throws {
        do {
            let history = try RunHistory.load(runDirectory)
            for note in history.notes { FileHandle.standardError.write(Data("ddp-train: note: \(note)\n".utf8)) }
            if output == "-" {
                FileHandle.standardOutput.write(Data(MetricsCSV.csv(history).utf8))
                return
            }
            let url = output.map { URL(fileURLWithPath: $0) } ?? history.directory.appendingPathComponent("metrics.csv")
            try MetricsCSV.write(history, to: url)
            print("ddp-train: wrote \(url.path) (\(MetricsCSV.table(history).rows.count) rows)")
        } catch {
            fail("\(error)")
        }
    }
}
