import Foundation

/// The table printed at the end of a run: each weight layer's gradient norm at the first and
/// the last step, the vanishing factor at both, and the phase timings.
public struct TrainingSummary {
    /// Weight layers' names, in forward order.
    public var layerNames: [String]
    /// Each weight layer's gradient norm at the first step.
    public var firstNorms: [Double]
    /// Each weight layer's gradient norm at the last step.
    public var lastNorms: [Double]
    /// The first step's global-batch loss.
    public var firstLoss: Double
    /// The last step's global-batch loss.
    public var finalLoss: Double
    /// The final validation loss, when there is a validation split.
    public var validationLoss: Double?
    /// The final validation accuracy (classification).
    public var validationAccuracy: Double?
    /// Optimizer steps in total, a resumed run's earlier ones included.
    public var steps: Int
    /// Optimizer steps this process took (0 when a resumed checkpoint was already at the end).
    public var stepsThisRun: Int = 0
    /// Phase timings over the run, mean and slowest rank; nil when no step ran.
    public var phases: PhaseStatistics?
    /// Global training throughput over the run.
    public var samplesPerSecond: Double
    /// Extra lines from the diagnostics (saturation, dead units, noise scale, verdict).
    public var diagnosticsLines: [String] = []

    /// The vanishing factor (first layer over last hidden layer) at the first step.
    public var firstVanishingFactor: Double? { vanishingFactor(firstNorms) }
    /// The vanishing factor at the last step.
    public var lastVanishingFactor: Double? { vanishingFactor(lastNorms) }

    func vanishingFactor(_ norms: [Double]) -> Double? {
        guard norms.count >= 3, norms[norms.count - 2] > 0 else { return nil }
        return norms[0] / norms[norms.count - 2]
    }

    /// The table as text.
    public func render() -> String {
        var lines: [String] = []
        let width = max(layerNames.map(\.count).max() ?? 5, 5)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        lines.append("Gradient norms by layer (first step → last step):")
        lines.append("  " + pad("layer", width) + "  " + lpad("step 1", 11) + "  " + lpad("step \(steps)", 11))
        for (i, name) in layerNames.enumerated() {
            let tag = i == layerNames.count - 1 ? "  (output head)" : ""
            lines.append("  " + pad(name, width) + "  " + lpad(fmt(firstNorms.element(i)), 11) + "  "
                         + lpad(fmt(lastNorms.element(i)), 11) + tag)
        }
        lines.append("  " + pad("vanishing factor", width) + "  " + lpad(fmt(firstVanishingFactor), 11) + "  "
                     + lpad(fmt(lastVanishingFactor), 11) + "  (first layer / last hidden layer)")
        guard stepsThisRun > 0 else {
            // A resume from a checkpoint already at the end: nothing was measured in this run.
            lines.append("No step trained in this run: the checkpoint is at step \(steps), already at the end of the budget")
            return lines.joined(separator: "\n")
        }
        lines.append(String(format: "Loss: %@ → %@ over %d steps", fmt(firstLoss), fmt(finalLoss), steps))
        if let v = validationLoss {
            var s = "Validation loss: \(fmt(v))"
            if let a = validationAccuracy { s += String(format: ", accuracy %.2f%%", a * 100) }
            lines.append(s)
        }
        if let phases {
            let parts = PhaseTimings.names.enumerated().map { i, n in
                String(format: "%@ %.3f/%.3f", n, phases.mean[i] * 1e3, phases.max[i] * 1e3)
            }
            lines.append("Time per step, ms (mean/max over ranks): " + parts.joined(separator: ", "))
        }
        lines.append(String(format: "Throughput: %.0f samples/s", samplesPerSecond))
        lines += diagnosticsLines
        return lines.joined(separator: "\n")
    }

    func fmt(_ v: Double?) -> String {
        guard let v else { return "n/a" }
        return String(format: "%.3e", v)
    }
}

extension Array {
    /// The element at `index`, or nil past either end (a layer's norm that was never logged).
    func element(_ index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
