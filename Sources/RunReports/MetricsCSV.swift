import DataFormats
import Foundation
import Training

/// metrics.jsonl as one flat CSV table (`ddp-train export-csv`).
///
/// One row per step record; columns are the flattened keys (`grad_norms/model.0.weight`,
/// `timing/forward/mean_ms`, `diagnostics/activations/model.1/dead_fraction`, …) in schema
/// order, the union over all records, so a column a record lacks (diagnostics on
/// non-diagnostic steps) is an empty cell. Epoch records are merged into the step row with
/// the same `step` (their `train_loss`, `val_loss`, `val_accuracy` columns); an epoch whose
/// last step was not logged gets a row of its own, placed by step. The `type` field is dropped.
public enum MetricsCSV {
    /// The header and the rows.
    public static func table(_ history: RunHistory) -> (columns: [String], rows: [[String]]) {
        var rows: [(step: Int, order: Int, values: [String: MetricValue])] = []
        var rowOfStep: [Int: Int] = [:]
        for (i, r) in history.steps.enumerated() {
            var values = r.values
            values["type"] = nil
            rowOfStep[r.step ?? -1] = rows.count
            rows.append((r.step ?? -1, i, values))
        }
        for (i, e) in history.epochs.enumerated() {
            var values = e.values
            values["type"] = nil
            if let step = e.step, let row = rowOfStep[step] {
                for (k, v) in values where rows[row].values[k] == nil { rows[row].values[k] = v }
            } else {
                rows.append((e.step ?? -1, history.steps.count + i, values))
            }
        }
        rows.sort { ($0.step, $0.order) < ($1.step, $1.order) }
        var keys = Set<String>()
        for r in rows { keys.formUnion(r.values.keys) }
        let columns = MetricsColumnOrder(layers: history.parameterOrder).sorted(keys)
        return (columns, rows.map { r in columns.map { r.values[$0]?.csvText ?? "" } })
    }

    /// The CSV text (RFC 4180: comma-separated, CRLF-free, quoted where needed).
    public static func csv(_ history: RunHistory) -> String {
        let (columns, rows) = table(history)
        var lines = [columns.map(quote).joined(separator: ",")]
        lines += rows.map { $0.map(quote).joined(separator: ",") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the CSV to `url` atomically.
    public static func write(_ history: RunHistory, to url: URL) throws {
        do {
            try AtomicFileWriter.write(Data(csv(history).utf8), to: url)
        } catch {
            throw ReportInputError("\(url.path): cannot write the CSV (\(error.message)); choose a writable -o path")
        }
    }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
