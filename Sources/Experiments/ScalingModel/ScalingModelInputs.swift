import Collectives
import Foundation
import Training

/// Where the cost model's inputs come from: given values, or measurements on this launch.
/// `ddp-train scaling-model` fills it from its flags; `forecast` measures what is not given.
public struct ScalingModelInputs: Sendable {
    /// The run whose model is measured, built as `train` builds it.
    public var config: TrainingConfig
    /// Strong or weak scaling from the batch at one rank.
    public var mode: ScalingMode
    /// Rank counts to predict.
    public var ranks: [Int]
    /// Given compute cost per sample and per step; nil: measure.
    public var computeMicrosecondsPerSample: Double?
    /// Given fixed cost per step, in microseconds (with `computeMicrosecondsPerSample`).
    public var stepOverheadMicroseconds: Double = 0
    /// Given allreduce latency and bandwidth (gigabits per second); nil: measure (needs ≥ 2 ranks).
    public var alphaMicroseconds: Double?
    /// See `alphaMicroseconds`: the given bandwidth.
    public var betaGigabitsPerSecond: Double?
    /// Fraction of the backward pass that can hide communication.
    public var overlapFraction: Double = 0
    /// Timed steps per batch size when measuring compute.
    public var measureSteps = 5
    /// Small collectives per step besides the gradients: ddp-train's trainer makes 2 (an
    /// allreduce agreeing on non-finite values and pre-emption, and an allgather of the loss and
    /// timings).
    public var smallAllreducesPerStep = 2

    /// The batch at one rank: the per-rank batch if set, else the global batch, else the data set.
    public static func batchAtOneRank(_ config: TrainingConfig) -> Int {
        config.batchSize ?? config.globalBatchSize ?? config.samples
    }

    /// Inputs for `config` at `ranks`, measuring everything not given afterwards.
    public init(config: TrainingConfig, mode: ScalingMode, ranks: [Int]) {
        self.config = config
        self.mode = mode
        self.ranks = ranks
    }

    /// Measures what is not given and returns the forecast. Collective: under MPI every rank
    /// calls it. Compute is timed on every rank at once, as in a real step, and the slowest
    /// rank's fit counts; α and β come from `AllreduceProbe` across the launched ranks.
    public func forecast(measured: MeasuredScaling?, communicator: any Communicator) throws -> ScalingForecast {
        try config.validate()  // before measuring or probing anything
        var provenance: [String] = []
        let measuring = computeMicrosecondsPerSample == nil
        // Strong scaling times the batches at one rank and at the most ranks; weak scaling has one batch.
        let batches: [Int]
        switch mode {
        case .weak(let b): batches = [b]
        case .strong(let g): batches = [g, max(1, g / max(ranks.max() ?? 1, 1))]
        }
        // With a given compute cost, one untimed step still builds the model for its parameter count.
        let profile = try ComputeProfile.measure(config, batches: measuring ? batches : [1],
                                                 steps: measuring ? measureSteps : 1, warmup: measuring ? 2 : 0)
        var perSample = profile.secondsPerSample, overhead = profile.overheadSeconds
        if let given = computeMicrosecondsPerSample {
            perSample = given * 1e-6
            overhead = stepOverheadMicroseconds * 1e-6
            provenance.append("compute: given, \(given) µs per sample + \(stepOverheadMicroseconds) µs per step")
        } else {
            if communicator.worldSize > 1 {
                perSample = communicator.allReduce(perSample, op: .max)
                overhead = communicator.allReduce(overhead, op: .max)
            }
            let timed = profile.samples.map { String(format: "batch %d: %.3f ms", $0.batch, $0.step * 1e3) }.joined(separator: ", ")
            provenance.append(String(format: "compute: measured in-process (%@), fit %.3f µs per sample + %.3f µs per step",
                                     timed, perSample * 1e6, overhead * 1e6)
                              + (communicator.worldSize > 1 ? " (slowest of \(communicator.worldSize) ranks timing at once)" : ""))
        }
        let gradientBytes = Double(profile.parameterCount * 4)
        provenance.append("gradient: \(profile.parameterCount) parameters, \(Int(gradientBytes)) bytes per allreduce")

        var alpha = alphaMicroseconds.map { $0 * 1e-6 }
        var beta = betaGigabitsPerSecond.map { 8 / ($0 * 1e9) }
        if alpha == nil || beta == nil {
            guard communicator.worldSize > 1 else {
                throw SweepError("α and β are measured across ranks: run under `mpirun -np 2` (or more), or give both")
            }
            // The large message is the gradient itself, at least 1 MiB so that bandwidth dominates it.
            let large = min(max(Int(gradientBytes), 1 << 20), 256 << 20)
            let probe = AllreduceProbe.measure(communicator, smallBytes: 8, largeBytes: large)
            provenance.append(String(format: "allreduce: measured on %d ranks: %d B in %.1f µs, %d B in %.3f ms",
                                     probe.ranks, probe.smallBytes, probe.smallSeconds * 1e6, probe.largeBytes,
                                     probe.largeSeconds * 1e3))
            alpha = alpha ?? probe.alphaSeconds
            beta = beta ?? probe.betaSecondsPerByte
        }
        let a = alpha ?? 0, b = beta ?? 0
        provenance.append(String(format: "α = %.2f µs, β = %.4g ns/byte (%.3g Gbit/s)", a * 1e6, b * 1e9,
                                 b > 0 ? 8 / b / 1e9 : .infinity)
                          + (alphaMicroseconds != nil || betaGigabitsPerSecond != nil ? " (given where flagged)" : ""))
        let model = ScalingCostModel(computeSecondsPerSample: perSample, stepOverheadSeconds: overhead,
                                     gradientBytes: gradientBytes, alphaSeconds: a, betaSecondsPerByte: b,
                                     overlapFraction: overlapFraction, backwardShare: profile.backwardShare,
                                     smallAllreducesPerStep: smallAllreducesPerStep)
        if smallAllreducesPerStep > 0 {
            provenance.append("plus \(smallAllreducesPerStep) small allreduce(s) per step (flags, loss and timing), "
                              + "each 2(P−1)α")
        }
        return ScalingForecast(model: model, mode: mode, ranks: ranks, measured: measured, provenance: provenance)
    }
}
