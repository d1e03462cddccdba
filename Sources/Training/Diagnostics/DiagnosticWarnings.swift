/// Decides when the diagnostics warn, and what they say.
///
/// Three problems are watched: vanishing gradients (the vanishing factor below
/// `--vanishing-threshold`), saturated sigmoid/tanh layers (more than 90% of outputs with a
/// derivative below 5% of its maximum) and dead ReLU-like units (more than 50% of a layer's
/// units output ≤ 0 for the whole batch). Each warns once per run, at the diagnostic step
/// where it has held `persistence` (3) diagnostic steps in a row: a problem present from
/// initialization warns at the third diagnostic step (steps 1, K, 2K with
/// `--diagnostics-every K`); a passing fluke never warns.
struct DiagnosticWarnings {
    enum Problem: Hashable, CaseIterable { case vanishing, saturation, deadUnits }

    let options: DiagnosticsOptions
    let traits: ModelTraits
    private var streaks: [Problem: Int] = [:]
    /// Problems already warned about.
    private(set) var issued: Set<Problem> = []

    init(options: DiagnosticsOptions, traits: ModelTraits) {
        self.options = options
        self.traits = traits
    }

    /// Looks at one diagnostic step; returns the warnings to print now (usually none).
    ///
    /// - Parameter gradientNorms: each weight layer's averaged gradient norm, forward order.
    mutating func observe(step: Int, gradientNorms: [(name: String, norm: Double)], vanishingFactor: Double?,
                          activations: [DiagnosticsRecord.Activation]) -> [String] {
        var messages: [String] = []
        if let f = vanishingFactor, f < options.vanishingThreshold {
            if hold(.vanishing) { messages.append(vanishingMessage(step: step, factor: f, norms: gradientNorms)) }
        } else {
            streaks[.vanishing] = 0
        }
        let saturated = activations.filter { ($0.saturatedFraction ?? 0) > options.saturationThreshold }
        if !saturated.isEmpty {
            if hold(.saturation) { messages.append(saturationMessage(step: step, layers: saturated)) }
        } else {
            streaks[.saturation] = 0
        }
        let dead = activations.filter { ($0.deadFraction ?? 0) > options.deadThreshold }
        if !dead.isEmpty {
            if hold(.deadUnits) { messages.append(deadMessage(step: step, layers: dead)) }
        } else {
            streaks[.deadUnits] = 0
        }
        return messages
    }

    /// Counts one more step of `problem`; true when it should warn now.
    private mutating func hold(_ problem: Problem) -> Bool {
        let streak = (streaks[problem] ?? 0) + 1
        streaks[problem] = streak
        guard streak >= max(options.persistence, 1), !issued.contains(problem) else { return false }
        issued.insert(problem)
        return true
    }

    private var persisted: String {
        options.persistence > 1 ? "at \(options.persistence) diagnostic steps in a row" : "at a diagnostic step"
    }

    private func vanishingMessage(step: Int, factor: Double, norms: [(name: String, norm: Double)]) -> String {
        let smallest = norms.sorted { $0.norm < $1.norm }.prefix(3)
            .map { "\($0.name) \(DiagnosticsFormat.number($0.norm))" }.joined(separator: ", ")
        return "gradients vanish: at step \(step) the first layer's gradient norm is \(DiagnosticsFormat.number(factor)) "
            + "of the last hidden layer's (below --vanishing-threshold \(DiagnosticsFormat.number(options.vanishingThreshold)) "
            + "\(persisted)). Smallest gradients: \(smallest). "
            + "Likely causes: \(traits.vanishingCauses().joined(separator: "; ")). "
            + "Try: \(traits.vanishingRemedies().joined(separator: "; "))."
    }

    private func saturationMessage(step: Int, layers: [DiagnosticsRecord.Activation]) -> String {
        let list = layers.map { "\($0.name) \(DiagnosticsFormat.percent($0.saturatedFraction ?? 0))" }.joined(separator: ", ")
        var remedies = ["--activation relu (or leaky-relu, elu), which does not saturate"]
        if !traits.hasBatchNorm { remedies.append("--batch-norm to re-centre the pre-activations") }
        remedies.append("--init xavier-normal, which keeps sigmoid/tanh inputs near zero")
        remedies.append("a lower --lr, if the saturation grew during training")
        return "activations saturate: at step \(step) more than \(DiagnosticsFormat.percent(options.saturationThreshold)) "
            + "of the outputs of \(list) have a derivative below 5% of its maximum (\(persisted)); "
            + "saturated units pass almost no gradient back. Try: \(remedies.joined(separator: "; "))."
    }

    private func deadMessage(step: Int, layers: [DiagnosticsRecord.Activation]) -> String {
        let list = layers.map { "\($0.name) \(DiagnosticsFormat.percent($0.deadFraction ?? 0))" }.joined(separator: ", ")
        var remedies = ["a lower --lr (large updates push units negative for good)",
                        "--activation leaky-relu or elu, whose negative side still passes gradient"]
        if traits.initializer != .kaimingNormal { remedies.append("--init kaiming-normal") }
        if !traits.hasBatchNorm { remedies.append("--batch-norm") }
        return "dead units: at step \(step) more than \(DiagnosticsFormat.percent(options.deadThreshold)) of the units of "
            + "\(list) output ≤ 0 for the whole batch (\(persisted)); dead units get no gradient and do not recover. "
            + "Try: \(remedies.joined(separator: "; "))."
    }
}
