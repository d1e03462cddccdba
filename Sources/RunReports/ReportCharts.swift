import Foundation
import Training
import Reporting

/// The charts of a run report, each from one or more runs (overlaid where that reads well).
enum ReportCharts {
    /// At most this many step columns in a heatmap; longer runs are sampled evenly.
    static let maxHeatmapColumns = 60

    /// Training loss per step and validation loss per epoch, every run overlaid.
    static func loss(_ runs: [RunHistory], labels: [String]) -> LineChart {
        var series: [LineChart.Series] = []
        for (run, label) in zip(runs, labels) {
            let train = run.stepSeries("loss")
            series.append(.init(name: runs.count > 1 ? "\(label) train" : "train", x: train.map(\.step), y: train.map(\.value)))
            let validation = run.epochSeries("val_loss")
            if !validation.isEmpty {
                series.append(.init(name: runs.count > 1 ? "\(label) validation" : "validation",
                                    x: validation.map(\.step), y: validation.map(\.value)))
            }
        }
        return LineChart(title: "Loss", xLabel: "optimizer step", yLabel: "loss", series: series,
                         logY: spansDecades(series.flatMap { $0.points.map(\.y) }))
    }

    /// Validation accuracy per epoch, for classification runs; nil when no run has any.
    static func accuracy(_ runs: [RunHistory], labels: [String]) -> LineChart? {
        let series = zip(runs, labels).compactMap { run, label -> LineChart.Series? in
            let a = run.epochSeries("val_accuracy")
            return a.isEmpty ? nil : .init(name: label, x: a.map(\.step), y: a.map(\.value))
        }
        guard !series.isEmpty else { return nil }
        return LineChart(title: "Validation accuracy", xLabel: "optimizer step", yLabel: "accuracy", series: series)
    }

    /// Layers × steps of the averaged gradient norm, log colour scale, first layer on top.
    static func gradientHeatmap(_ run: RunHistory, label: String) -> Heatmap {
        let layers = run.layers
        var records = run.steps.filter { $0.step != nil }
        if records.count > maxHeatmapColumns {
            let n = records.count
            records = (0..<maxHeatmapColumns).map { records[$0 * (n - 1) / (maxHeatmapColumns - 1)] }
        }
        let values = layers.map { layer in records.map { $0["grad_norms/\(layer)"] } }
        return Heatmap(title: "Gradient norm by layer and step — \(label)", rowLabels: layers,
                       columnLabels: records.map { "\($0.step ?? 0)" }, values: values, logScale: true,
                       rowAxisLabel: "", columnAxisLabel: "optimizer step", valueLabel: "‖∇W‖")
    }

    /// First layer's gradient norm over the last hidden layer's, per step, every run.
    static func vanishingFactor(_ runs: [RunHistory], labels: [String]) -> LineChart {
        LineChart(title: "Vanishing factor (first layer ÷ last hidden layer)", xLabel: "optimizer step",
                  yLabel: "ratio of gradient norms",
                  series: zip(runs, labels).map { run, label in
                      let s = run.stepSeries("vanishing_factor")
                      return .init(name: label, x: s.map(\.step), y: s.map(\.value))
                  }, logY: true)
    }

    /// Saturated and dead fraction per activation layer at the last diagnostic step.
    static func activations(_ run: RunHistory, label: String) -> BarChart? {
        let layers = run.lastActivations
        guard !layers.isEmpty else { return nil }
        var series: [BarChart.Series] = []
        if layers.contains(where: { $0.saturated != nil }) {
            series.append(.init(name: "saturated", values: layers.map(\.saturated)))
        }
        if layers.contains(where: { $0.dead != nil }) {
            series.append(.init(name: "dead", values: layers.map(\.dead)))
        }
        let step = run.diagnosticSteps.last?.step.map { " at step \($0)" } ?? ""
        return BarChart(title: "Saturated and dead units by layer — \(label)\(step)", yLabel: "fraction of units",
                        categories: layers.map(\.name), series: series, yRange: 0...1)
    }

    /// The smoothed noise scale against each run's effective batch, with the line
    /// B = B_simple: batches left of where a run's point crosses it still scale well.
    static func noiseScaleByBatch(_ runs: [RunHistory], labels: [String]) -> LineChart? {
        let points = zip(runs, labels).compactMap { run, label -> (label: String, batch: Double, scale: Double)? in
            guard let b = run.effectiveBatch, let s = run.lastNoiseScale, s > 0 else { return nil }
            return (label, Double(b), s)
        }
        guard !points.isEmpty else { return nil }
        var series = points.map { LineChart.Series(name: $0.label, x: [$0.batch], y: [$0.scale]) }
        let values = points.flatMap { [$0.batch, $0.scale] }
        let low = (values.min() ?? 1) / 2, high = (values.max() ?? 1) * 2
        series.append(.init(name: "diagonal: batch = B_simple", x: [low, high], y: [low, high]))
        return LineChart(title: "Gradient noise scale B_simple vs effective batch size", xLabel: "effective batch size",
                         yLabel: "B_simple (smoothed)", series: series, logX: true, logY: true)
    }

    /// The smoothed noise scale over the run, every run.
    static func noiseScaleBySteps(_ runs: [RunHistory], labels: [String]) -> LineChart? {
        let series = zip(runs, labels).compactMap { run, label -> LineChart.Series? in
            let s = run.stepSeries("diagnostics/noise_scale/b_simple_ema")
            return s.isEmpty ? nil : .init(name: label, x: s.map(\.step), y: s.map(\.value))
        }
        guard !series.isEmpty else { return nil }
        return LineChart(title: "Gradient noise scale over training", xLabel: "optimizer step",
                         yLabel: "B_simple (smoothed)", series: series, logY: true)
    }

    /// Milliseconds per step in each phase (mean over ranks), one bar per run.
    static func phases(_ runs: [RunHistory], labels: [String]) -> BarChart {
        let names = ["forward", "backward", "gradient sync", "optimizer"]
        return BarChart(title: "Time per step by phase", yLabel: "ms per step (mean over ranks)", categories: names,
                        series: zip(runs, labels).map { run, label in
                            .init(name: label, values: run.phaseMilliseconds.map(\.mean))
                        })
    }

    /// Whether positive values span more than a decade, so a log axis reads better.
    static func spansDecades(_ values: [Double]) -> Bool {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard positive.count == values.filter(\.isFinite).count, let lo = positive.min(), let hi = positive.max() else {
            return false
        }
        return hi / lo > 20
    }
}
