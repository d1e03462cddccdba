import Foundation
import Training
import Reporting

/// The cost model's predictions at a list of rank counts beside any measured throughput, as a
/// text table (for the terminal) and an HTML page (throughput and efficiency charts).
public struct ScalingForecast {
    /// The cost model predicting.
    public var model: ScalingCostModel
    /// How the batch changes with the rank count.
    public var mode: ScalingMode
    /// The rank counts shown, ascending (measured ones included).
    public var ranks: [Int]
    /// Measured throughput to compare with, if any.
    public var measured: MeasuredScaling?
    /// Lines describing where the model's inputs came from (measured or given).
    public var provenance: [String]

    /// A forecast at `ranks`, joined by any rank counts `measured` has.
    public init(model: ScalingCostModel, mode: ScalingMode, ranks: [Int] = [1, 2, 4, 8, 16, 32, 64],
                measured: MeasuredScaling? = nil, provenance: [String] = []) {
        self.model = model
        self.mode = mode
        self.ranks = Array(Set(ranks + (measured?.points.map(\.ranks) ?? []))).sorted()
        self.measured = measured
        self.provenance = provenance
    }

    /// One line of the table.
    public struct Row: Sendable {
        /// The model's prediction at this rank count.
        public var prediction: ScalingCostModel.Prediction
        /// Predicted scaling efficiency: throughput over P × one rank's (1 is perfect).
        public var efficiency: Double?
        /// Measured global samples per second, when measured.
        public var measuredSamplesPerSecond: Double?
        /// Measured throughput over P × the measured one-rank throughput, when both exist.
        public var measuredEfficiency: Double?
    }

    /// Rows for every rank count the mode allows.
    public var rows: [Row] {
        let measuredOne = measured?.samplesPerSecond(ranks: 1)
        return ranks.compactMap { p in
            guard let prediction = model.predict(ranks: p, mode: mode) else { return nil }
            let m = measured?.samplesPerSecond(ranks: p)
            return Row(prediction: prediction, efficiency: model.efficiency(ranks: p, mode: mode), measuredSamplesPerSecond: m,
                       measuredEfficiency: m.flatMap { value in measuredOne.map { value / (Double(p) * $0) } })
        }
    }

    /// The sentence on where communication overtakes compute.
    public var crossoverSentence: String {
        if let p = model.communicationExceedsCompute(mode: mode), let at = model.predict(ranks: p, mode: mode) {
            return "Communication exceeds compute from P = \(p): \(Self.ms(at.communicationSeconds)) ms against "
                + "compute \(Self.ms(at.computeSeconds)) ms per step."
        }
        switch mode {
        case .strong(let g):
            return "Communication stays below compute up to P = \(min(g, 4096)) (one sample per rank or 4096 ranks)."
        case .weak:
            return "Communication stays below compute up to 4096 ranks."
        }
    }

    /// The table and the crossover, as printed by `ddp-train scaling-model`.
    public func text() -> String {
        var lines = provenance
        lines.append("Model: \(mode); overlap fraction \(model.overlapFraction)")
        let hasMeasured = measured != nil
        var header = ["P", "per-rank batch", "compute ms", "comm ms", "step ms", "samples/s", "efficiency"]
        if hasMeasured { header += ["measured samples/s", "measured eff."] }
        var table = [header]
        for row in rows {
            let p = row.prediction
            var cells = ["\(p.ranks)", Self.number(p.perRankBatch), Self.ms(p.computeSeconds), Self.ms(p.communicationSeconds),
                         Self.ms(p.stepSeconds), String(format: "%.0f", p.samplesPerSecond),
                         row.efficiency.map { String(format: "%.1f%%", $0 * 100) } ?? ""]
            if hasMeasured {
                cells += [row.measuredSamplesPerSecond.map { String(format: "%.0f", $0) } ?? "",
                          row.measuredEfficiency.map { String(format: "%.1f%%", $0 * 100) } ?? ""]
            }
            table.append(cells)
        }
        let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        for row in table {
            lines.append(row.enumerated().map { c, cell in String(repeating: " ", count: widths[c] - cell.count) + cell }
                .joined(separator: "  "))
        }
        lines.append(crossoverSentence)
        return lines.joined(separator: "\n")
    }

    /// An HTML page: predicted and measured throughput, efficiency, and the table.
    public func report(title: String = "Scaling model") -> HTMLReport {
        let rows = self.rows
        var throughput = [LineChart.Series(name: "predicted", x: rows.map { Double($0.prediction.ranks) },
                                           y: rows.map(\.prediction.samplesPerSecond))]
        var efficiency = [LineChart.Series(name: "predicted", points: rows.compactMap { r in
            r.efficiency.map { ChartPoint(x: Double(r.prediction.ranks), y: $0 * 100) } })]
        if let one = rows.first(where: { $0.prediction.ranks == 1 }) {
            throughput.append(.init(name: "ideal (linear in P)", x: rows.map { Double($0.prediction.ranks) },
                                    y: rows.map { Double($0.prediction.ranks) * one.prediction.samplesPerSecond }))
        }
        if let measured {
            throughput.append(.init(name: "measured", x: measured.points.map { Double($0.ranks) },
                                    y: measured.points.map(\.samplesPerSecond)))
            efficiency.append(.init(name: "measured", points: rows.compactMap { r in
                r.measuredEfficiency.map { ChartPoint(x: Double(r.prediction.ranks), y: $0 * 100) } }))
        }
        var section = HTMLReport.Section(heading: "Throughput and efficiency",
                                         paragraph: crossoverSentence + " " + ScalingForecast.assumptions)
        section.add(LineChart(title: "Samples per second against ranks", xLabel: "ranks (P)", yLabel: "samples/s",
                              series: throughput, logX: true, logY: true))
        section.add(LineChart(title: "Scaling efficiency against ranks", xLabel: "ranks (P)", yLabel: "efficiency, %",
                              series: efficiency, logX: true))
        let lines = text().split(separator: "\n").map(String.init)
        return HTMLReport(title: title, subtitle: "\(mode)",
                          sections: [section, .init(heading: "Table", blocks: [.preformatted(lines.joined(separator: "\n"))])])
    }

    /// What the model assumes, for the page and `--help`.
    public static let assumptions = "Step time = t₀ + c·(per-rank batch) + 2(P−1)α + 2(P−1)/P·n·β + k·2(P−1)α − overlap, "
        + "with n the gradient bytes (4 per parameter), the ring allreduce cost of Thakur, Rabenseifner and Gropp (2005), and "
        + "k small latency-bound allreduces per step (the trainer's flag, loss and timing agreements; 3 in ddp-train). "
        + "Overlap hides at most the given fraction of the backward pass behind the gradient allreduce. Efficiency = throughput(P) / (P × throughput(1)) under the same "
        + "scaling mode; measured efficiency uses the measured throughput at P = 1."

    static func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v) }
}
