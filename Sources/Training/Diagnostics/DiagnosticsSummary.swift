/// The diagnostics' lines in the end-of-run summary: per-layer saturation and dead units at
/// the last diagnostic step, the gradient noise scale beside the effective batch, and a
/// one-line verdict.
struct DiagnosticsSummary {
    var options: DiagnosticsOptions
    var traits: ModelTraits
    /// Diagnostic steps taken, and the last one.
    var diagnosticSteps: Int
    var lastStep: Int
    var lastRecord: DiagnosticsRecord?
    /// The vanishing factor at the last diagnostic step (nil: fewer than three weight layers).
    var vanishingFactor: Double?
    /// The smallest vanishing factor of any diagnostic step, and that step. A network whose
    /// gradients vanished from the start can end with a harmless-looking factor once the later
    /// layers' gradients have vanished too (a stalled run), so the verdict looks at both.
    var worstVanishingFactor: (step: Int, factor: Double)?
    var effectiveBatch: Int
    /// Why the noise scale is unavailable, when it is.
    var noiseScaleNote: String?
    /// Each activation layer's function, by layer name, for the table.
    var activationKinds: [String: String] = [:]

    func lines() -> [String] {
        guard let record = lastRecord else {
            return ["Diagnostics: no diagnostic step ran (the run had fewer steps than --diagnostics-every)"]
        }
        var lines = ["Diagnostics (\(diagnosticSteps) diagnostic step\(diagnosticSteps == 1 ? "" : "s"), "
                     + "every \(options.every); last at step \(lastStep)):"]
        lines += activationTable(record.activations)
        lines.append(noiseScaleLine(record.noiseScale))
        lines.append(verdict(record.activations))
        return lines
    }

    private func activationTable(_ activations: [DiagnosticsRecord.Activation]) -> [String] {
        guard !activations.isEmpty else { return ["  (no activation layers)"] }
        let labels = activations.map { a in activationKinds[a.name].map { "\(a.name) (\($0))" } ?? a.name }
        let width = max(labels.map(\.count).max() ?? 0, "activation layer".count)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        var lines = ["  " + pad("activation layer", width) + "  " + lpad("mean", 9) + "  " + lpad("std", 9)
                     + "  " + lpad("saturated", 9) + "  " + lpad("dead", 7)]
        for (label, a) in zip(labels, activations) {
            lines.append("  " + pad(label, width) + "  " + lpad(DiagnosticsFormat.number(a.mean), 9)
                         + "  " + lpad(DiagnosticsFormat.number(a.std), 9)
                         + "  " + lpad(a.saturatedFraction.map(DiagnosticsFormat.percent) ?? "-", 9)
                         + "  " + lpad(a.deadFraction.map(DiagnosticsFormat.percent) ?? "-", 7))
        }
        return lines
    }

    private func noiseScaleLine(_ noise: DiagnosticsRecord.NoiseScale?) -> String {
        guard let noise else {
            return "Gradient noise scale: unavailable (\(noiseScaleNote ?? "no estimate")); effective batch \(effectiveBatch)"
        }
        guard let smoothed = noise.smoothed, smoothed > 0 else {
            // Both estimates are unbiased but noisy; a non-positive ratio means the
            // small-batch gradients have not yet differed enough to measure the noise.
            return "Gradient noise scale: no positive estimate yet (smoothed ratio "
                + "\(DiagnosticsFormat.number(noise.smoothed)), last step \(DiagnosticsFormat.number(noise.simple)), "
                + "from batches \(noise.smallBatch) and \(noise.largeBatch)); more diagnostic steps, ranks or "
                + "micro-batches steady it; effective batch \(effectiveBatch)"
        }
        let relation: String
        if smoothed > 2 * Double(effectiveBatch) {
            relation = "larger batches should still train about proportionally faster"
        } else if smoothed < 0.5 * Double(effectiveBatch) {
            relation = "the batch is past the noise scale: larger batches buy little per sample"
        } else {
            relation = "the batch is near the noise scale"
        }
        return "Gradient noise scale: B_simple ≈ \(DiagnosticsFormat.number(smoothed)) (smoothed; last step "
            + "\(DiagnosticsFormat.number(noise.simple)), from batches \(noise.smallBatch) and \(noise.largeBatch)) "
            + "beside effective batch \(effectiveBatch): \(relation)"
    }

    /// One line: do gradients reach the first layer, and what to try if not.
    func verdict(_ activations: [DiagnosticsRecord.Activation]) -> String {
        let saturated = activations.filter { ($0.saturatedFraction ?? 0) > options.saturationThreshold }.map(\.name)
        let dead = activations.filter { ($0.deadFraction ?? 0) > options.deadThreshold }.map(\.name)
        var extra: [String] = []
        if !saturated.isEmpty { extra.append("saturated: \(saturated.joined(separator: ", "))") }
        if !dead.isEmpty { extra.append("mostly dead units: \(dead.joined(separator: ", "))") }
        let tail = extra.isEmpty ? "" : " (\(extra.joined(separator: "; ")))"
        guard let f = vanishingFactor else {
            return "Verdict: too few weight layers to compare first and last\(tail)"
        }
        let share = "the first layer gets \(DiagnosticsFormat.number(f)) of the last hidden layer's gradient"
        let remedies = traits.shortVanishingRemedies().joined(separator: ", ")
        if f < options.vanishingThreshold {
            return "Verdict: gradients vanish — \(share)\(tail); try \(remedies)"
        }
        if let worst = worstVanishingFactor, worst.factor < options.vanishingThreshold {
            var evidence = ""
            if let update = lastRecord?.updateRatios.first, update.ratio.isFinite {
                evidence = "; its updates are now \(DiagnosticsFormat.number(update.ratio)) of its weights per step"
            }
            return "Verdict: gradients vanish — at step \(worst.step) the first layer got "
                + "\(DiagnosticsFormat.number(worst.factor)) of the last hidden layer's gradient "
                + "(\(DiagnosticsFormat.number(f)) at step \(lastStep))\(evidence)\(tail); try \(remedies)"
        }
        if f > 1 / options.vanishingThreshold {
            return "Verdict: gradients explode — \(share)\(tail); try a lower --lr, --clip-grad-norm or --batch-norm"
        }
        if !extra.isEmpty { return "Verdict: gradients flow — \(share), but watch the activations\(tail)" }
        return "Verdict: gradients flow — \(share)"
    }
}
