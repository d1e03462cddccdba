import DataFormats
import Foundation
import Reporting

/// Writes a study's results: `critical-batch.json` (everything), `critical-batch.csv` (one tidy
/// row per trial) and `critical-batch.html` (the charts), atomically.
public struct CriticalBatchOutput {
    /// The study's results to write.
    public let result: CriticalBatchResult

    /// A writer of `result`.
    public init(result: CriticalBatchResult) {
        self.result = result
    }

    /// Writes the JSON, CSV and HTML files into `directory`, each atomically.
    ///
    /// - Throws: the atomic writer's error for the JSON or CSV, `SweepError` for the HTML page.
    public func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFileWriter.write(try encoder.encode(result) + Data("\n".utf8),
                                   to: directory.appendingPathComponent("critical-batch.json"))
        try AtomicFileWriter.write(Data(csv().utf8), to: directory.appendingPathComponent("critical-batch.csv"))
        do {
            try CriticalBatchPage(result: result).report().write(to: directory.appendingPathComponent("critical-batch.html"))
        } catch {
            throw SweepError("\(directory.path): cannot write critical-batch.html (\(error))")
        }
    }

    /// One row per trial: architecture, batch, phase, learning rate, seed, how it ended, steps
    /// (empty unless it reached the target), and its training and evaluation seconds.
    public func csv() -> String {
        var lines = ["architecture,ranks,batch_size,phase,lr,seed,status,steps_to_target,steps_run,seconds,evaluation_seconds"]
        for a in result.architectures {
            for b in a.batches {
                for t in b.trials {
                    let fields: [String] = [a.name, "\(a.ranks)", "\(b.batchSize)", t.phase.rawValue, "\(t.lr)", "\(t.seed)",
                                            t.outcome.status, t.outcome.stepsToTarget.map(String.init) ?? "", "\(t.outcome.steps)",
                                            String(format: "%.4f", t.seconds), String(format: "%.4f", t.evaluationSeconds)]
                    lines.append(fields.map(SweepSummaryCSV.quote).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
