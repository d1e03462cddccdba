import DataFormats
import Foundation
import Training

/// `summary.csv`: one row per point, the grid values first, then what the run produced.
///
/// Columns: `point`, one per grid dimension (except `ranks`), `ranks`, `effective_batch`,
/// `per_rank_batch`, `resolved_lr` (after any `lrScaling`), `lr_rule`, `epochs`, `steps`,
/// `final_train_loss`, `final_val_loss`, `vanishing_factor_first`, `vanishing_factor_last`,
/// `noise_scale`, `noise_scale_step`, `samples_per_second`, `forward_ms`, `backward_ms`, `gradient_sync_ms`,
/// `optimizer_ms`, `comm_share`, `seconds`, `status`, `error`. Empty cells are values the point
/// did not produce (a failed point, no validation split, no noise-scale diagnostics).
public struct SweepSummaryCSV {
    /// The grid, whose dimensions become columns.
    public var grid: SweepGrid
    /// One row per point, in order.
    public var outcomes: [PointOutcome]

    /// A table of `outcomes` over `grid`.
    public init(grid: SweepGrid, outcomes: [PointOutcome]) {
        self.grid = grid
        self.outcomes = outcomes
    }

    /// The grid columns: every dimension but `ranks`, which has its own column.
    var gridColumns: [String] { grid.dimensions.map(\.name).filter { $0 != SweepGrid.ranksDimension } }

    /// The header line's cells, in column order.
    public var headers: [String] {
        ["point"] + gridColumns + ["ranks", "effective_batch", "per_rank_batch", "resolved_lr", "lr_rule", "epochs", "steps",
                                   "final_train_loss", "final_val_loss", "vanishing_factor_first", "vanishing_factor_last",
                                   "noise_scale", "noise_scale_step", "samples_per_second", "forward_ms", "backward_ms",
                                   "gradient_sync_ms", "optimizer_ms", "comm_share", "seconds", "status", "error"]
    }

    /// The rows as text cells, in `headers` order.
    public var rows: [[String]] {
        outcomes.map { o in
            let m = o.metrics
            var row = [o.name] + gridColumns.map { o.value(of: $0)?.description ?? "" }
            row += ["\(o.ranks)", text(m?.effectiveBatch), text(m?.perRankBatch), text(m?.learningRate),
                    m?.learningRateRule ?? "", text(m?.epochs), text(m?.steps),
                    text(m?.finalTrainLoss), text(m?.finalValidationLoss),
                    text(m?.firstVanishingFactor), text(m?.lastVanishingFactor), text(m?.noiseScale), text(m?.noiseScaleStep),
                    text(m?.samplesPerSecond), text(m?.phases?.forward), text(m?.phases?.backward),
                    text(m?.phases?.gradientSync), text(m?.phases?.optimizer), text(m?.phases?.communicationShare),
                    String(format: "%.2f", o.seconds), o.status.rawValue,
                    // One line per point, so that line-based tools (awk, grep) can read the file.
                    (o.error ?? "").split(whereSeparator: \.isNewline).joined(separator: " | ")]
            return row
        }
    }

    /// The file's text: a header line and one line per point, RFC 4180 quoting.
    public func text() -> String {
        ([headers] + rows).map { $0.map(Self.quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Writes ``text()`` to `url` atomically.
    ///
    /// - Throws: `SweepError` naming the file when it cannot be written.
    public func write(to url: URL) throws {
        do {
            try AtomicFileWriter.write(Data(text().utf8), to: url)
        } catch {
            throw SweepError("\(url.path): cannot write the summary (\(error.message))")
        }
    }

    func text(_ value: Int?) -> String { value.map(String.init) ?? "" }
    func text(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
