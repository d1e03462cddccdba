/// What `GradientDiagnostics` measures and when it warns (`--diagnostics-every`,
/// `--vanishing-threshold`).
public struct DiagnosticsOptions: Sendable, Equatable {
    /// Diagnose optimizer step 1 and every `every`-th step after it; 0 turns diagnostics off.
    public var every: Int
    /// Warn when the vanishing factor (first weight layer's gradient norm over the last hidden
    /// layer's) stays below this.
    public var vanishingThreshold: Double
    /// Warn when more than this fraction of a sigmoid/tanh layer's outputs is saturated.
    public var saturationThreshold: Double
    /// Warn when more than this fraction of a ReLU-like layer's units is dead.
    public var deadThreshold: Double
    /// A condition must hold at this many diagnostic steps in a row before it warns: one
    /// unlucky batch should not produce a warning, a persistent problem should.
    public var persistence: Int
    /// Decay of the exponential moving averages of |G|² and tr(Σ) behind the smoothed noise scale.
    public var noiseScaleDecay: Double
    /// At most this many values per histogram (a strided sample beyond it), to bound the cost
    /// and the size of TensorBoard files.
    public var histogramSampleLimit: Int

    /// Options diagnosing every `every` steps, with the default warning thresholds.
    public init(every: Int, vanishingThreshold: Double = 1e-4, saturationThreshold: Double = 0.9,
                deadThreshold: Double = 0.5, persistence: Int = 3, noiseScaleDecay: Double = 0.9,
                histogramSampleLimit: Int = 16_384) {
        self.every = every
        self.vanishingThreshold = vanishingThreshold
        self.saturationThreshold = saturationThreshold
        self.deadThreshold = deadThreshold
        self.persistence = persistence
        self.noiseScaleDecay = noiseScaleDecay
        self.histogramSampleLimit = histogramSampleLimit
    }

    /// Whether optimizer step `step` (from 1) is diagnosed: the first step, to see the
    /// network as initialized, and every `every`-th step.
    public func isDiagnosticStep(_ step: Int) -> Bool {
        every > 0 && (step == 1 || step % every == 0)
    }

    /// Checks values a user typed; the message names the flag and the fix.
    public func validate() throws {
        guard every >= 0 else {
            throw ConfigError("--diagnostics-every must be 0 (off) or a positive number of steps, got \(every)")
        }
        guard vanishingThreshold.isFinite && vanishingThreshold > 0 else {
            throw ConfigError("--vanishing-threshold must be a positive number such as 1e-4, got \(vanishingThreshold)")
        }
    }
}
