import Foundation
import Training
import Reporting

/// `report.html` of a sweep: heatmaps of final loss and vanishing factor over batch × learning
/// rate per architecture, loss against effective batch beside the linear-scaling prediction,
/// the gradient noise scale beside the batches tried, throughput, and failures.
public struct SweepReport {
    /// The sweep that ran.
    public var plan: SweepPlan
    /// What each point produced.
    public var outcomes: [PointOutcome]
    /// The sweep directory `report.html` goes into.
    public var directory: URL

    /// A report over `outcomes` of `plan`, written into `directory`.
    public init(plan: SweepPlan, outcomes: [PointOutcome], directory: URL) {
        self.plan = plan
        self.outcomes = outcomes
        self.directory = directory
    }

    /// The report page.
    public func html() -> HTMLReport {
        let groups = SweepAnalysis.groups(outcomes, grid: plan.grid)
        var report = HTMLReport(title: "Sweep: \(directory.lastPathComponent)",
                                subtitle: "\(outcomes.count) points over " + gridDescription + "; preset \(plan.base.preset), "
                                    + "\(plan.base.epochs) epochs each")
        report.sections.append(summarySection())
        for group in groups where !group.finished.isEmpty { report.sections.append(heatmapSection(group)) }
        report.sections.append(batchSection(groups))
        report.sections.append(noiseScaleSection(groups))
        if let throughput = throughputSection() { report.sections.append(throughput) }
        let failed = outcomes.filter { $0.status == .failed }
        if !failed.isEmpty {
            report.sections.append(.init(heading: "Failed points", paragraph: "Each failed point's exit status and the last lines it "
                + "wrote to standard error. The sweep went on without them; re-running the sweep re-runs them.",
                blocks: [.table(Table(headers: ["point", "exit status", "error"],
                                      rows: failed.map { [$0.name, $0.exitCode.map(String.init) ?? "", $0.error ?? ""] }))]))
        }
        return report
    }

    var gridDescription: String {
        plan.grid.dimensions.isEmpty ? "no grid (one point)"
            : plan.grid.dimensions.map { "\($0.name) ∈ {\($0.values.map(\.description).joined(separator: ", "))}" }
                .joined(separator: " × ")
    }

    func summarySection() -> HTMLReport.Section {
        let ok = outcomes.filter { $0.status == .ok }.count
        let csv = SweepSummaryCSV(grid: plan.grid, outcomes: outcomes)
        let keep = ["point"] + csv.gridColumns + ["ranks", "effective_batch", "resolved_lr", "final_train_loss", "final_val_loss",
                                                 "vanishing_factor_first", "vanishing_factor_last", "noise_scale",
                                                 "samples_per_second", "status"]
        let indices = keep.compactMap { csv.headers.firstIndex(of: $0) }
        let rows = csv.rows.map { row in indices.map { Self.shortNumber(row[$0]) } }
        return .init(heading: "Summary",
                     paragraph: "\(ok) of \(outcomes.count) points finished. resolved_lr is the learning rate after any --lr-scaling; "
                        + "losses are the last epoch's means; the vanishing factor is the first weight layer's gradient norm "
                        + "over the last hidden layer's, at the first and last step. Every value is in summary.csv.",
                     blocks: [.table(Table(headers: indices.map { csv.headers[$0] }, rows: rows))])
    }

    func heatmapSection(_ group: SweepAnalysis.Group) -> HTMLReport.Section {
        let rates = group.learningRates, batches = group.batches
        func grid(_ value: (RunMetrics) -> Double?) -> [[Double?]] {
            rates.map { lr in batches.map { b in group.outcome(learningRate: lr, batch: b)?.metrics.flatMap(value) } }
        }
        func heatmap(_ title: String, _ label: String, _ value: @escaping (RunMetrics) -> Double?) -> Heatmap {
            Heatmap(title: "\(title) — \(group.label)", rowLabels: rates.map { "\($0)" }, columnLabels: batches.map(String.init),
                    values: grid(value), logScale: true, rowAxisLabel: "lr (before scaling)",
                    columnAxisLabel: "effective batch", valueLabel: label)
        }
        var section = HTMLReport.Section(
            heading: "Batch × learning rate: \(group.label)",
            paragraph: "Rows are the learning rates given (before any --lr-scaling), columns the effective batch. "
                + "Grey cells are points that failed, diverged or were not in the grid. Colours are on a log scale.")
        section.add(heatmap("Final training loss", "loss") { $0.finalTrainLoss })
        if group.finished.contains(where: { $0.metrics?.finalValidationLoss != nil }) {
            section.add(heatmap("Final validation loss", "val loss") { $0.finalValidationLoss })
        }
        if group.finished.contains(where: { $0.metrics?.firstVanishingFactor != nil }) {
            section.add(heatmap("Vanishing factor at the first step", "factor") { $0.firstVanishingFactor })
            section.add(heatmap("Vanishing factor at the last step", "factor") { $0.lastVanishingFactor })
        } else {
            section.blocks.append(.paragraph("No vanishing factor: it needs at least two hidden weight layers (depth ≥ 2)."))
        }
        return section
    }

    func batchSection(_ groups: [SweepAnalysis.Group]) -> HTMLReport.Section {
        var section = HTMLReport.Section(
            heading: "Loss against effective batch size",
            paragraph: "Every point trains for the same number of epochs (\(plan.base.epochs)), so larger batches take fewer "
                + "steps: the loss is compared at matched epochs, not matched steps. Each line is one learning rate; "
                + "'best lr' is the lowest loss at each batch over the learning rates tried. 'linear-scaling prediction' "
                + "takes the best learning rate η₀ at the smallest batch B₀ and, for each batch B, plots the loss of the "
                + "point whose learning rate (after any --lr-scaling) is nearest, in log scale, to η₀·B/B₀ (Goyal et al. "
                + "2017). Where that prediction falls outside the learning rates tried, the table says so. When the "
                + "prediction tracks 'best lr', linear scaling holds over these batches.")
        for group in groups where group.batches.count >= 1 && !group.finished.isEmpty {
            let prediction = SweepAnalysis.linearScalingPrediction(group.outcomes) { $0.finalTrainLoss }
            var series = group.learningRates.map { lr in
                LineChart.Series(name: "lr \(lr)", points: group.batches.compactMap { b in
                    group.outcome(learningRate: lr, batch: b)?.metrics?.finalTrainLoss.map { ChartPoint(x: Double(b), y: $0) }
                })
            }
            series.append(.init(name: "best lr", points: prediction.compactMap { p in
                p.bestLoss.map { ChartPoint(x: Double(p.batch), y: $0) } }))
            series.append(.init(name: "linear-scaling prediction", points: prediction.compactMap { p in
                p.nearestLoss.map { ChartPoint(x: Double(p.batch), y: $0) } }))
            // A log axis only when losses span a decade; otherwise it flattens the differences that matter.
            let losses = group.finished.compactMap { $0.metrics?.finalTrainLoss }.filter { $0 > 0 }
            let spansDecade = (losses.max() ?? 1) > 10 * (losses.min() ?? 1)
            section.add(LineChart(title: "Final training loss against effective batch — \(group.label)",
                                  xLabel: "effective batch", yLabel: "final training loss", series: series,
                                  logX: true, logY: spansDecade))
            section.add(Table(headers: ["effective batch", "best lr", "best loss", "predicted lr", "nearest lr tried",
                                        "loss there", "prediction in grid"],
                              rows: prediction.map { p in
                                  [String(p.batch), Self.format(p.bestLearningRate), Self.format(p.bestLoss),
                                   Self.format(p.predictedLearningRate), Self.format(p.nearestLearningRate),
                                   p.nearestLoss.map { Self.format($0) } ?? "diverged", p.outsideGrid ? "no (nearest shown)" : "yes"]
                              }, caption: "Linear-scaling prediction — \(group.label)"))
        }
        return section
    }

    func noiseScaleSection(_ groups: [SweepAnalysis.Group]) -> HTMLReport.Section {
        let estimates = outcomes.compactMap { o in o.metrics?.noiseScale.map { (o, $0) } }
        let heading = "Gradient noise scale"
        guard !estimates.isEmpty else {
            let note = outcomes.compactMap { $0.metrics?.noiseScaleNote }.first.map { " The trainer said: \($0)." } ?? ""
            return .init(heading: heading, paragraph: "No noise-scale estimate: the points did not record one. It needs per-layer "
                + "diagnostics (pass --diagnostics-every K to the sweep) and a small- and a large-batch gradient, which a run "
                + "has with 2 or more ranks or with --accumulate-steps 2 or more.\(note) Batches tried: "
                + Array(Set(groups.flatMap(\.batches))).sorted().map(String.init).joined(separator: ", ") + ".")
        }
        var rows: [[String]] = []
        for group in groups {
            for batch in group.batches {
                let here = estimates.filter { e in group.outcomes.contains { $0.name == e.0.name } && e.0.metrics?.effectiveBatch == batch }
                guard !here.isEmpty else { continue }
                let sorted = here.sorted { $0.1 < $1.1 }
                let (point, median) = sorted[sorted.count / 2]
                let relation = Double(batch) < median ? "below: larger batches still pay off nearly linearly"
                    : "at or above: returns from a larger batch diminish"
                let step = point.metrics?.noiseScaleStep.map(String.init) ?? "?"
                let last = point.metrics?.lastDiagnosticsStep.map(String.init) ?? "?"
                let stale = here.filter { e in
                    guard let from = e.0.metrics?.noiseScaleStep, let last = e.0.metrics?.lastDiagnosticsStep else { return false }
                    return from < last
                }.count
                rows.append([group.label, String(batch), Self.format(median), "\(step) of \(last)", "\(here.count)",
                             "\(stale)", relation])
            }
        }
        return .init(heading: heading,
                     paragraph: "B_simple = tr(Σ)/|G|² (McCandlish et al. 2018), the smoothed estimate at each point's last "
                        + "diagnostics step, from each rank's local gradient and the all-reduced one. Batches well below it use "
                        + "each sample almost fully; batches well above it need about as many steps as at B_simple, so the "
                        + "extra samples buy little. Median over the points at each batch. The estimate is smoothed "
                        + "(moving averages of |G|² and tr(Σ)); where the average |G|² is not positive it is undefined, and "
                        + "the last defined value is shown: 'from step' says which step it is from, out of the last step with "
                        + "diagnostics, and 'earlier' counts the points whose estimate is older than their last diagnostics.",
                     blocks: [.table(Table(headers: ["group", "effective batch", "noise scale B_simple", "from step", "points",
                                                     "earlier", "batch vs noise scale"],
                                           rows: rows))])
    }

    func throughputSection() -> HTMLReport.Section? {
        let finished = outcomes.filter { $0.status == .ok }.compactMap { o in o.metrics.map { (o, $0) } }
        guard !finished.isEmpty else { return nil }
        var section = HTMLReport.Section(
            heading: "Throughput and time per phase",
            paragraph: "Samples per second is the median over steps after the first; phase times are means over the same "
                + "steps of the slowest rank, in ms. gradient_sync is the wait for the allreduce that overlap with backward "
                + "did not hide; comm share is its fraction of the step.")
        section.add(Table(headers: ["point", "ranks", "effective batch", "samples/s", "forward", "backward", "gradient sync",
                                    "optimizer", "comm share"],
                          rows: finished.map { o, m in
                              [o.name, String(o.ranks), String(m.effectiveBatch), Self.format(m.samplesPerSecond),
                               Self.format(m.phases?.forward), Self.format(m.phases?.backward), Self.format(m.phases?.gradientSync),
                               Self.format(m.phases?.optimizer), m.phases?.communicationShare.map { String(format: "%.1f%%", $0 * 100) } ?? ""]
                          }))
        let rankCounts = Set(finished.map(\.0.ranks))
        if rankCounts.count > 1 {
            // One line per setting other than ranks: the same run at every rank count.
            var order: [String] = []
            var lines: [String: [ChartPoint]] = [:]
            for (outcome, metrics) in finished {
                guard let rate = metrics.samplesPerSecond else { continue }
                let others = outcome.assignments
                    .filter { $0.name != SweepGrid.ranksDimension && !SweepAnalysis.batchDimensions.contains($0.name) }
                    .map { "\($0.name)=\($0.value)" }
                let name = (others + ["batch \(metrics.effectiveBatch)"]).joined(separator: ", ")
                if lines[name] == nil { order.append(name) }
                lines[name, default: []].append(ChartPoint(x: Double(outcome.ranks), y: rate))
            }
            let series = order.compactMap { name -> LineChart.Series? in
                guard let points = lines[name], points.count > 1 else { return nil }
                return LineChart.Series(name: name, points: points.sorted { $0.x < $1.x })
            }
            if !series.isEmpty {
                section.add(LineChart(title: "Throughput against ranks", xLabel: "ranks", yLabel: "samples/s",
                                      series: series, logX: true, logY: true))
            }
        }
        return section
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "" }
        return String(format: "%.4g", value)
    }

    /// A summary.csv number shortened for the page (the CSV keeps every digit).
    static func shortNumber(_ cell: String) -> String {
        guard let v = Double(cell), cell.contains(".") || cell.contains("e") else { return cell }
        return format(v)
    }
}
