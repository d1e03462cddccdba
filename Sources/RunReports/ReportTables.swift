import Foundation
import Training
import Reporting

/// The tables of a run report: the runs at a glance, their configurations side by side,
/// phase timings and noise scales.
enum ReportTables {
    static func runsSection(_ runs: [RunHistory], labels: [String]) -> HTMLReport.Section {
        var section = HTMLReport.Section(heading: runs.count == 1 ? "Run" : "Runs")
        section.add(Table(headers: ["run", "preset", "model", "init", "optimizer", "lr", "batch"],
                          rows: zip(runs, labels).map { run, label in
                              [label, run.configText("preset"), modelText(run), run.configText("initializer"),
                               run.configText("optimizer"), run.configText("resolved/learningRate"), batchText(run)]
                          }, caption: "Setup"))
        section.add(Table(headers: ["run", "steps", "final loss", "validation loss", "vanishing factor",
                                    "lowest vanishing factor", "noise scale"],
                          rows: zip(runs, labels).map { run, label in
                              let last = run.steps.last
                              // The lowest matters: once every layer's gradient has vanished, the
                              // final ratio can look healthy.
                              let lowest = run.stepSeries("vanishing_factor").min { $0.value < $1.value }
                              return [label, "\(last?.step ?? 0)", number(last?["loss"]), number(run.epochs.last?["val_loss"]),
                                      number(last?["vanishing_factor"]),
                                      lowest.map { "\(number($0.value)) at step \(Int($0.step))" } ?? "—",
                                      number(run.lastNoiseScale)]
                          }, caption: "Results at the last logged step"))
        if runs.count > 1 {
            let differing = configKeys(runs).filter { key in
                key != "runDir" && Set(runs.map { $0.configText(key) }).count > 1
            }
            if !differing.isEmpty {
                section.add(Table(headers: ["setting"] + labels,
                                  rows: differing.map { key in [key] + runs.map { $0.configText(key) } },
                                  caption: "Settings that differ (all settings: Configuration, at the end)"))
            }
        }
        return section
    }

    /// Every configuration setting of every run, side by side: long, so it ends the report.
    static func configurationSection(_ runs: [RunHistory], labels: [String]) -> HTMLReport.Section? {
        let keys = configKeys(runs)
        guard !keys.isEmpty else { return nil }
        return HTMLReport.Section(heading: "Configuration", paragraph: "config.json of each run: the settings as given, "
                                  + "and under resolved/ what was derived from them (docs/METRICS.md).",
                                  blocks: [.table(Table(headers: ["setting"] + labels,
                                                        rows: keys.map { key in [key] + runs.map { $0.configText(key) } }))])
    }

    /// Config keys in name order, the derived `resolved/` ones last.
    static func configKeys(_ runs: [RunHistory]) -> [String] {
        Set(runs.flatMap(\.config.keys)).sorted { a, b in
            let ra = a.hasPrefix("resolved/"), rb = b.hasPrefix("resolved/")
            return ra != rb ? rb : MetricsColumnOrder.naturalPrecedes(a.lowercased(), b.lowercased())
        }
    }

    /// "mlp 10×128 sigmoid, residual".
    static func modelText(_ run: RunHistory) -> String {
        var text = "\(run.configText("model")) \(run.configText("depth"))×\(run.configText("width")) \(run.configText("activation"))"
        if run.configText("residual") == "true" { text += ", residual" }
        if run.configText("batchNorm") == "true" { text += ", batch-norm" }
        return text
    }

    /// "2 ranks × 50 × 1 = 100".
    static func batchText(_ run: RunHistory) -> String {
        guard let effective = run.effectiveBatch else { return "—" }
        return "\(run.configText("resolved/worldSize")) × \(run.configText("resolved/perRankBatchSize")) × "
            + "\(run.configText("accumulateSteps")) = \(effective)"
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
