import Foundation

/// The learning rate as a function of the optimizer step, optionally after a linear warmup.
///
/// Closed forms of PyTorch's schedulers: StepLR is base·γ^⌊t/s⌋, CosineAnnealingLR is
/// η_min + (base − η_min)(1 + cos(πt/T))/2 for t ≤ T. Past T the rate stays at η_min, where
/// PyTorch's would rise again; the trainer sets T to the run's length, so it never gets there. During warmup (steps 0..<W) the rate rises linearly
/// as base·(t+1)/W (Goyal et al. 2017's gradual warmup); after it, the schedule runs from t − W.
public struct LearningRateSchedule: Equatable, Sendable, Codable {
    /// The shape after warmup.
    public enum Kind: Equatable, Sendable, Codable {
        /// The base rate throughout.
        case constant
        /// The base rate times `gamma` every `stepSize` steps (PyTorch's StepLR).
        case step(stepSize: Int, gamma: Float)
        /// Cosine annealing from the base rate to `minimum` over `totalSteps` (PyTorch's CosineAnnealingLR).
        case cosine(totalSteps: Int, minimum: Float)
    }

    /// The shape after warmup.
    public var kind: Kind
    /// Steps of linear warmup before `kind` starts; 0 for none.
    public var warmupSteps: Int

    /// A schedule of shape `kind` after `warmupSteps` warmup steps.
    public init(_ kind: Kind = .constant, warmupSteps: Int = 0) {
        self.kind = kind
        self.warmupSteps = warmupSteps
    }

    /// The CLI names: constant, step, cosine.
    public static let allNames = ["constant", "step", "cosine"]

    /// The rate for optimizer step `step` (0-based), given the base rate.
    public func learningRate(base: Float, step: Int) -> Float {
        if step < warmupSteps { return base * Float(step + 1) / Float(warmupSteps) }
        let t = step - warmupSteps
        switch kind {
        case .constant:
            return base
        case .step(let size, let gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(t / max(size, 1))))
        case .cosine(let total, let minimum):
            let progress = Double(min(t, total)) / Double(max(total, 1))
            return minimum + (base - minimum) * Float((1 + Foundation.cos(Double.pi * progress)) / 2)
        }
    }
}
