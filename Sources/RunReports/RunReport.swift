import Foundation
import Training
import Reporting

/// The HTML report of one or more runs (`ddp-train report`): one self-contained page with
/// inline SVG charts and no scripts or network access.
///
/// Sections: the runs and their configurations side by side; loss (train and validation);
/// gradient norms per layer and step (log-scale heatmap) and the vanishing factor;
/// saturated and dead units by layer; the gradient noise scale against the effective batch
/// size; time per phase. Several runs are overlaid in one chart where the axes agree, and
/// get a chart each where they do not (per-layer plots).
public enum RunReport {
    /// The report of `runs`, in the given order.
    public static func make(_ runs: [RunHistory], title: String? = nil) -> HTMLReport {
        let labels = uniqueLabels(runs.map(\.name))
        var report = HTMLReport(title: title ?? (runs.count == 1 ? "ddp-train run \(labels[0])" : "ddp-train: \(runs.count) runs"),
                                subtitle: zip(runs, labels).map { "\($0.1): \($0.0.directory.path)" }.joined(separator: " · "))
        report.sections.append(ReportTables.runsSection(runs, labels: labels))

        var loss = HTMLReport.Section(heading: "Loss", paragraph: "Mean loss over the global batch at each logged step; "
                                      + "validation loss at the end of each epoch.")
        loss.add(ReportCharts.loss(runs, labels: labels))
        if let accuracy = ReportCharts.accuracy(runs, labels: labels) { loss.add(accuracy) }
        report.sections.append(loss)

        var gradients = HTMLReport.Section(
            heading: "Gradient norms by layer",
            paragraph: "The L2 norm of each weight layer's averaged gradient, first layer on top, on a log colour scale: "
                + "a darkening towards the top means gradients shrink on their way back to the input. The vanishing factor "
                + "is the first layer's norm over the last hidden layer's; values far below 1e-4 mean the first layers "
                + "barely learn.")
        for (run, label) in zip(runs, labels) where !run.layers.isEmpty {
            gradients.add(ReportCharts.gradientHeatmap(run, label: label))
        }
        gradients.add(ReportCharts.vanishingFactor(runs, labels: labels))
        report.sections.append(gradients)

        report.sections.append(activationsSection(runs, labels: labels))
        report.sections.append(noiseScaleSection(runs, labels: labels))

        var timing = HTMLReport.Section(heading: "Time per phase",
                                        paragraph: "Milliseconds per optimizer step, averaged over logged steps: the mean "
                                            + "over ranks (the table also gives the slowest rank).")
        timing.add(ReportCharts.phases(runs, labels: labels))
        timing.add(ReportTables.phases(runs, labels: labels))
        report.sections.append(timing)

        if let configuration = ReportTables.configurationSection(runs, labels: labels) {
            report.sections.append(configuration)
        }
        let notes = runs.flatMap(\.notes)
        if !notes.isEmpty {
            report.sections.append(.init(heading: "Notes", blocks: notes.map { .paragraph($0) }))
        }
        return report
    }

    /// Reads each run directory and writes the report to `output`.
    public static func write(runDirectories: [String], to output: URL, title: String? = nil) throws {
        guard !runDirectories.isEmpty else {
            throw ReportInputError("no run directory given; pass one or more directories written by `ddp-train train`")
        }
        let runs = try runDirectories.map(RunHistory.load)
        for run in runs where run.steps.isEmpty {
            throw ReportInputError("\(run.directory.path)/metrics.jsonl: no step records; the run logged nothing to report")
        }
        do {
            try make(runs, title: title).write(to: output)
        } catch {
            throw ReportInputError("\(error)")
        }
    }

    private static func activationsSection(_ runs: [RunHistory], labels: [String]) -> HTMLReport.Section {
        var section = HTMLReport.Section(
            heading: "Saturation and dead units",
            paragraph: "At the last diagnostic step (--diagnostics-every): for sigmoid and tanh layers the fraction of "
                + "outputs whose derivative is below 5% of its maximum; for ReLU-like layers the fraction of units that "
                + "output ≤ 0 for the whole batch. Either passes almost no gradient back.")
        var any = false
        for (run, label) in zip(runs, labels) {
            if let chart = ReportCharts.activations(run, label: label) {
                section.add(chart)
                any = true
            }
        }
        if !any {
            section.blocks.append(.paragraph("No run has diagnostics; train with --diagnostics-every K to measure them."))
        }
        return section
    }

    private static func noiseScaleSection(_ runs: [RunHistory], labels: [String]) -> HTMLReport.Section {
        var section = HTMLReport.Section(
            heading: "Gradient noise scale",
            paragraph: "B_simple = tr(Σ)/|G|² (McCandlish et al. 2018), estimated from each rank's local gradient and the "
                + "average (or, with one rank, from each micro-batch and the accumulated gradient) and smoothed. Batches "
                + "well below B_simple train nearly proportionally faster when made larger; batches well above it waste "
                + "samples. Points above the diagonal have room to grow the batch.")
        if let chart = ReportCharts.noiseScaleByBatch(runs, labels: labels) { section.add(chart) }
        if let chart = ReportCharts.noiseScaleBySteps(runs, labels: labels) { section.add(chart) }
        if section.blocks.isEmpty {
            let note = runs.compactMap(\.noiseScaleNote).first
            section.blocks.append(.paragraph("No noise-scale estimate in these runs"
                + (note.map { ": \($0)." } ?? "; train with --diagnostics-every K on 2+ ranks or with --accumulate-steps 2+.")))
        }
        section.add(ReportTables.noiseScale(runs, labels: labels))
        return section
    }

    /// Run names, made unique with a numeric suffix where two runs share one.
    static func uniqueLabels(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return names.map { name in
            let n = (seen[name] ?? 0) + 1
            seen[name] = n
            return n == 1 ? name : "\(name) (\(n))"
        }
    }
}
