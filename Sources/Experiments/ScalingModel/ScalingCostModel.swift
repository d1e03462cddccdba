import Training
/// Predicts the step time and scaling efficiency of data-parallel training at P ranks.
///
/// One optimizer step on P ranks costs
///
///     T(P) = t₀ + c·b(P)                                   compute on one rank
///          + 2(P−1)·α + 2(P−1)/P · n · β                   ring allreduce of the gradients
///          + k · 2(P−1)·α                                  k small (latency-bound) allreduces
///          − hidden                                        communication overlapped with backward
///
/// where b(P) is the per-rank batch, c the compute seconds per sample (forward, backward and
/// optimizer), t₀ a fixed per-step cost, n the gradient bytes (4 × parameters), α the
/// per-message latency and β the seconds per byte. The allreduce term is the ring algorithm's
/// (Thakur, Rabenseifner & Gropp 2005): a reduce-scatter and an all-gather, each P−1 steps of
/// n/P bytes. Its bandwidth term is optimal, so real MPI libraries do no better for large
/// messages. The k small allreduces are the per-step agreements a trainer makes besides the
/// gradients (ddp-train: 3, its non-finite/pre-emption flags and its loss and timing
/// reductions); each carries a few bytes, so it costs latency only, and on a high-latency
/// network they can cost more than the gradients.
///
/// Overlap: `overlapFraction` of the backward pass's time can hide communication,
/// `hidden = min(communication, overlapFraction × backwardShare × compute)`. The default is 0
/// (no overlap assumed), an upper bound on step time; DDP's bucketed overlap hides at most the
/// backward pass, and the last bucket's allreduce is never hidden.
public struct ScalingCostModel: Equatable, Sendable {
    /// Compute seconds per sample on one rank (c).
    public var computeSecondsPerSample: Double
    /// Fixed compute seconds per step, independent of the batch (t₀).
    public var stepOverheadSeconds: Double
    /// Bytes of gradient each rank allreduces per step (n).
    public var gradientBytes: Double
    /// Allreduce latency per message step, seconds (α).
    public var alphaSeconds: Double
    /// Allreduce seconds per byte (β); 1 / bandwidth.
    public var betaSecondsPerByte: Double
    /// The fraction of backward time that can overlap communication, in [0, 1].
    public var overlapFraction: Double
    /// The backward pass's share of compute time, in [0, 1].
    public var backwardShare: Double
    /// Small allreduces per step besides the gradients (k), each costing 2(P−1)α.
    public var smallAllreducesPerStep: Int

    /// A model from its costs: compute in seconds per sample, latency α in seconds, β in seconds per byte.
    public init(computeSecondsPerSample: Double, stepOverheadSeconds: Double = 0, gradientBytes: Double,
                alphaSeconds: Double, betaSecondsPerByte: Double, overlapFraction: Double = 0, backwardShare: Double = 0.5,
                smallAllreducesPerStep: Int = 0) {
        self.computeSecondsPerSample = computeSecondsPerSample
        self.stepOverheadSeconds = stepOverheadSeconds
        self.gradientBytes = gradientBytes
        self.alphaSeconds = alphaSeconds
        self.betaSecondsPerByte = betaSecondsPerByte
        self.overlapFraction = overlapFraction
        self.backwardShare = backwardShare
        self.smallAllreducesPerStep = smallAllreducesPerStep
    }

    /// The predicted costs of one step at one rank count.
    public struct Prediction: Equatable, Sendable {
        /// The rank count P.
        public var ranks: Int
        /// The batch on each rank (may be fractional under strong scaling).
        public var perRankBatch: Double
        /// P × the per-rank batch.
        public var globalBatch: Double { perRankBatch * Double(ranks) }
        /// Forward, backward and optimizer time of one step, in seconds.
        public var computeSeconds: Double
        /// Allreduce time of one step, in seconds, before any overlap.
        public var communicationSeconds: Double
        /// Communication hidden behind backward (0 without overlap).
        public var hiddenSeconds: Double
        /// Compute plus the communication not hidden, in seconds.
        public var stepSeconds: Double { computeSeconds + communicationSeconds - hiddenSeconds }
        /// Predicted global throughput.
        public var samplesPerSecond: Double { stepSeconds > 0 ? globalBatch / stepSeconds : 0 }
        /// Communication's share of the step, counting only what is not hidden.
        public var communicationShare: Double {
            stepSeconds > 0 ? (communicationSeconds - hiddenSeconds) / stepSeconds : 0
        }
    }

    /// Ring allreduce time of the gradients at `ranks`: 2(P−1)α + 2(P−1)/P·n·β; 0 for one rank.
    public func allreduceSeconds(ranks: Int) -> Double {
        guard ranks > 1 else { return 0 }
        let p = Double(ranks)
        return 2 * (p - 1) * alphaSeconds + 2 * (p - 1) / p * gradientBytes * betaSecondsPerByte
    }

    /// All communication of one step at `ranks`: the gradient allreduce plus k·2(P−1)α.
    public func communicationSeconds(ranks: Int) -> Double {
        guard ranks > 1 else { return 0 }
        return allreduceSeconds(ranks: ranks) + Double(smallAllreducesPerStep) * 2 * Double(ranks - 1) * alphaSeconds
    }

    /// Compute time of one step on one rank with `perRankBatch` samples: t₀ + c·b.
    public func computeSeconds(perRankBatch: Double) -> Double {
        stepOverheadSeconds + computeSecondsPerSample * perRankBatch
    }

    /// The prediction at `ranks` ranks of `perRankBatch` samples each.
    public func predict(ranks: Int, perRankBatch: Double) -> Prediction {
        let compute = computeSeconds(perRankBatch: perRankBatch)
        let communication = communicationSeconds(ranks: ranks)
        // Only the gradient allreduce can overlap backward; the small ones come after it.
        let overlappable = allreduceSeconds(ranks: ranks)
        let hidden = min(overlappable, max(0, min(overlapFraction, 1)) * max(0, min(backwardShare, 1)) * compute)
        return Prediction(ranks: ranks, perRankBatch: perRankBatch, computeSeconds: compute,
                          communicationSeconds: communication, hiddenSeconds: hidden)
    }

    /// The prediction at `ranks` under a scaling mode; nil when the mode gives no whole sample
    /// per rank (strong scaling past the global batch).
    public func predict(ranks: Int, mode: ScalingMode) -> Prediction? {
        mode.perRankBatch(ranks: ranks).map { predict(ranks: ranks, perRankBatch: $0) }
    }

    /// Scaling efficiency at `ranks`: throughput over P × one rank's throughput under the same
    /// mode (1 is perfect scaling).
    public func efficiency(ranks: Int, mode: ScalingMode) -> Double? {
        guard let one = predict(ranks: 1, mode: mode), let many = predict(ranks: ranks, mode: mode),
              one.samplesPerSecond > 0 else { return nil }
        return many.samplesPerSecond / (Double(ranks) * one.samplesPerSecond)
    }

    /// The smallest rank count from 2 up to `limit` at which communication takes longer than the
    /// compute it synchronizes; nil if it never does in that range.
    public func communicationExceedsCompute(mode: ScalingMode, limit: Int = 4096) -> Int? {
        guard limit >= 2 else { return nil }
        for p in 2...limit {
            guard let prediction = predict(ranks: p, mode: mode) else { return nil }
            if prediction.communicationSeconds > prediction.computeSeconds { return p }
        }
        return nil
    }
}
