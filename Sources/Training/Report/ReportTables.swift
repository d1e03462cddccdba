import Foundation
import Reporting

/// The tables of a run report: the runs at a glance, their configurations side by side,
/// phase timings and noise scales.
enum ReportTables {
    /// Config keys shown in the overview, with their headings.
    static let overview: [(key: String, heading: String)] = [
        ("preset", "preset"), ("model", "model"), ("activation", "activation"), ("depth", "depth"), ("width", "width"),
        ("initializer", "init"), ("residual", "residual"), ("optimizer", "optimizer"),
        ("resolved/learningRate", "lr"), ("resolved/worldSize", "ranks"), ("resolved/effectiveBatchSize", "effective batch"),
    ]

    static func runsSection(_ runs: [RunHistory], labels: [String]) -> HTMLReport.Section {
        var section = HTMLReport.Section(heading: runs.count == 1 ? "Run" : "Runs")
        let rows = zip(runs, labels).map { run, label -> [String] in
            let last = run.steps.last
            return [label] + overview.map { run.configText($0.key) } + [
                "\(last?.step ?? 0)", number(last?["loss"]), number(run.epochs.last?["val_loss"]),
                number(last?["vanishing_factor"]), number(run.lastNoiseScale),
            ]
        }
        section.add(Table(headers: ["run"] + overview.map(\.heading)
                          + ["steps", "final loss", "validation loss", "vanishing factor", "noise scale"],
                          rows: rows))
        let keys = MetricsColumnOrder().sorted(Set(runs.flatMap(\.config.keys)))
        guard !keys.isEmpty else { return section }
        if runs.count > 1 {
            let differing = keys.filter { key in Set(runs.map { $0.configText(key) }).count > 1 && !key.hasSuffix("runDir") }
            if !differing.isEmpty {
                section.add(Table(headers: ["setting"] + labels,
                                  rows: differing.map { key in [key] + runs.map { $0.configText(key) } },
                                  caption: "Settings that differ"))
            }
        }
        section.add(Table(headers: ["setting"] + labels, rows: keys.map { key in [key] + runs.map { $0.configText(key) } },
                          caption: "Configuration (config.json)"))
        return section
    }

    static func phases(_ runs: [RunHistory], labels: [String]) -> Table {
        let phases = ["forward", "backward", "gradient sync", "optimizer"]
        return Table(headers: ["run"] + phases.flatMap { ["\($0) mean", "\($0) max"] },
                     rows: zip(runs, labels).map { run, label in
                         [label] + run.phaseMilliseconds.flatMap { [fixed($0.mean), fixed($0.max)] }
                     }, caption: "Milliseconds per step (mean over ranks / slowest rank)")
    }

    static func noiseScale(_ runs: [RunHistory], labels: [String]) -> Table {
        Table(headers: ["run", "effective batch", "B_simple (smoothed)", "diagnostic steps", "note"],
              rows: zip(runs, labels).map { run, label in
                  [label, run.effectiveBatch.map { "\($0)" } ?? "—", number(run.lastNoiseScale),
                   "\(run.diagnosticSteps.count)", run.lastNoiseScale == nil ? (run.noiseScaleNote ?? "") : ""]
              })
    }

    static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "—" }
        return String(format: "%.3g", v)
    }

    static func fixed(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "—" }
        return String(format: "%.3f", v)
    }
}
