import Foundation
import Reporting

/// The HTML page of a study: steps against batch with the fit, the tuned learning rates, the
/// steps over learning rate × batch, the critical batch against the noise scales, and the fit
/// against the vanishing factor at initialization.
struct CriticalBatchPage {
    let result: CriticalBatchResult

    func report() -> HTMLReport {
        var report = HTMLReport(title: "Critical batch: steps to \(result.target)",
                                subtitle: "\(result.architectures.count) architecture(s), \(result.seeds) evaluation seed(s) per batch, "
                                    + "step cap \(result.maxSteps); \(result.trialsRun) trial(s) run, \(result.trialsReused) reused")
        var steps = HTMLReport.Section(heading: "Steps to target against batch",
            paragraph: "Median over evaluation seeds at the tuned learning rate (dots), the fit S(B) = S_min·(1 + B_crit/B) "
                + "(solid), and perfect scaling from the smallest batch (S ∝ 1/B). Censored medians are left out of the fit and listed below.")
        steps.add(LineChart(title: "Steps to \(result.target)", xLabel: "global batch", yLabel: "steps",
                            series: result.architectures.flatMap(stepSeries), logX: true, logY: true))
        steps.add(fitTable())
        report.sections.append(steps)

        var lr = HTMLReport.Section(heading: "Tuned learning rate against batch",
            paragraph: "The learning rate with the fewest steps to target at each batch, and the fit ε_opt(B) = ε_max/(1 + B_noise/B).")
        lr.add(LineChart(title: "Tuned learning rate", xLabel: "global batch", yLabel: "learning rate",
                         series: result.architectures.flatMap(learningRateSeries), logX: true, logY: true))
        report.sections.append(lr)

        var heat = HTMLReport.Section(heading: "Steps over learning rate × batch",
            paragraph: "Every tuning trial that reached the target; blank cells were censored, diverged, stopped early or not tried.")
        for a in result.architectures { heat.add(heatmap(a)) }
        report.sections.append(heat)

        var noise = HTMLReport.Section(heading: "Critical batch against the noise scales",
            paragraph: "B_simple measured at the crossing and B_noise fitted from the tuned learning rates, against the measured "
                + "B_crit; the line is y = x (a perfect prediction).")
        noise.add(predictionChart())
        report.sections.append(noise)

        var vanishing = HTMLReport.Section(heading: "The fit against vanishing gradients",
            paragraph: "S_min and B_crit of each architecture against its vanishing factor at initialization (first layer's "
                + "gradient norm over the last hidden layer's; smaller means more vanishing).")
        vanishing.add(LineChart(title: "S_min and B_crit against the vanishing factor", xLabel: "vanishing factor at init",
                                yLabel: "S_min (steps), B_crit (samples)", series: vanishingSeries(), logX: true, logY: true))
        report.sections.append(vanishing)
        return report
    }

    private func stepSeries(_ a: CriticalBatchResult.Architecture) -> [LineChart.Series] {
        let measured = a.batches.compactMap { b in b.stepsMedian.map { ChartPoint(x: Double(b.batchSize), y: $0) } }
        var series = [LineChart.Series(name: "\(a.name) measured", points: measured)]
        let batches = a.batches.map { Double($0.batchSize) }
        if let sMin = a.fit.sMin, let bCrit = a.fit.bCrit, let lo = batches.min(), let hi = batches.max() {
            let xs = (0...40).map { lo * pow(hi / lo, Double($0) / 40) }
            series.append(.init(name: "\(a.name) fit", x: xs, y: xs.map { sMin * (1 + bCrit / $0) }))
        }
        if let first = measured.first {
            series.append(.init(name: "\(a.name) perfect scaling", x: batches, y: batches.map { first.y * first.x / $0 }))
        }
        return series
    }

    private func learningRateSeries(_ a: CriticalBatchResult.Architecture) -> [LineChart.Series] {
        var series = [LineChart.Series(name: "\(a.name) tuned",
                                       points: a.batches.compactMap { b in b.lr.map { ChartPoint(x: Double(b.batchSize), y: $0) } })]
        if let eMax = a.fit.epsilonMax.value, let bNoise = a.fit.bNoise.value {
            let xs = a.batches.map { Double($0.batchSize) }
            series.append(.init(name: "\(a.name) ε_max/(1 + B_noise/B)", x: xs, y: xs.map { eMax / (1 + bNoise / $0) }))
        }
        return series
    }

    private func heatmap(_ a: CriticalBatchResult.Architecture) -> Heatmap {
        let tuning = a.batches.flatMap { b in b.trials.filter { $0.phase == .tune }.map { (b.batchSize, $0) } }
        let rates = Array(Set(tuning.map(\.1.lr))).sorted(by: >)
        let values = rates.map { lr in
            a.batches.map { b in
                tuning.first { $0.0 == b.batchSize && $0.1.lr == lr }?.1.outcome.stepsToTarget.map(Double.init)
            }
        }
        return Heatmap(title: "\(a.name): steps to target", rowLabels: rates.map { String(format: "%.3g", $0) },
                       columnLabels: a.batches.map { "\($0.batchSize)" }, values: values, logScale: true,
                       rowAxisLabel: "learning rate", columnAxisLabel: "global batch", valueLabel: "steps")
    }

    private func predictionChart() -> LineChart {
        let measured = result.architectures.compactMap(\.fit.bCrit)
        var series: [LineChart.Series] = [
            .init(name: "B_simple", points: result.architectures.compactMap { a in
                a.fit.bCrit.flatMap { x in a.fit.bSimple.value.map { ChartPoint(x: x, y: $0) } } }),
            .init(name: "B_noise", points: result.architectures.compactMap { a in
                a.fit.bCrit.flatMap { x in a.fit.bNoise.value.map { ChartPoint(x: x, y: $0) } } }),
        ]
        let all = measured + result.architectures.flatMap { [$0.fit.bSimple.value, $0.fit.bNoise.value].compactMap { $0 } }
        if let lo = all.filter({ $0 > 0 }).min(), let hi = all.max(), hi > lo {
            series.append(.init(name: "y = x", x: [lo, hi], y: [lo, hi]))
        }
        return LineChart(title: "Predicted against measured critical batch", xLabel: "measured B_crit",
                         yLabel: "B_simple, B_noise", series: series, logX: true, logY: true)
    }

    private func vanishingSeries() -> [LineChart.Series] {
        let withFactor = result.architectures.filter { $0.vanishingFactorAtInit != nil }.sorted {
            ($0.vanishingFactorAtInit ?? 0) < ($1.vanishingFactorAtInit ?? 0)
        }
        return [
            .init(name: "S_min", points: withFactor.compactMap { a in a.fit.sMin.map { ChartPoint(x: a.vanishingFactorAtInit!, y: $0) } }),
            .init(name: "B_crit", points: withFactor.compactMap { a in a.fit.bCrit.map { ChartPoint(x: a.vanishingFactorAtInit!, y: $0) } }),
        ]
    }

    private func fitTable() -> Table {
        func text(_ v: Double?) -> String { v.map { String(format: "%.4g", $0) } ?? "—" }
        func interval(_ ci: [Double?]) -> String {
            guard ci.count == 2 else { return "—" }
            return "[\(text(ci[0])), \(ci[1].map { String(format: "%.4g", $0) } ?? "∞")]"
        }
        return Table(headers: ["architecture", "fit", "S_min", "95 % CI", "E_min", "95 % CI", "B_crit", "95 % CI",
                               "B_simple", "95 % CI", "B_noise", "95 % CI", "censored batches"],
                     rows: result.architectures.map { a in
                         [a.name, a.fit.status, text(a.fit.sMin), interval(a.fit.sMinCI), text(a.fit.eMin), interval(a.fit.eMinCI),
                          text(a.fit.bCrit), interval(a.fit.bCritCI), text(a.fit.bSimple.value), interval(a.fit.bSimple.ci),
                          text(a.fit.bNoise.value), interval(a.fit.bNoise.ci),
                          a.fit.excludedBatches.isEmpty ? "none" : a.fit.excludedBatches.map(String.init).joined(separator: ", ")]
                     }, caption: "Intervals: 95 % percentile bootstrap over evaluation seeds; ∞ where the bootstrap found no upper bound.")
    }
}
