import ArgumentParser
import Distributed
import Foundation
import Training

/// `ddp-train scaling-model`: predicted step time and scaling efficiency at P ranks from a
/// compute measurement, the gradient size and the allreduce cost (docs/CLUSTERS.md).
struct ScalingModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling-model",
        abstract: "Predict step time and scaling efficiency at 1…64 ranks, beside measured throughput.",
        discussion: ScalingForecast.assumptions + """


        c and t₀ are measured by training the model from the same flags as `train` for a few steps \
        in this process (or given with --compute-us-per-sample). α and β are measured when run under \
        `mpirun -np P` with P ≥ 2 (allreduces of 8 bytes and of the gradient's size), or given with \
        --alpha-us and --beta-gbps. --measured takes a CSV with 'ranks' and 'samples_per_second' \
        columns, such as a sweep's summary.csv.

        Examples:
          ddp-train scaling-model --preset teacher-regression --alpha-us 20 --beta-gbps 10
          mpirun -np 2 ddp-train scaling-model --preset teacher-regression --measured runs/study/strong/summary.csv
        """
    )

    @OptionGroup var flags: TrainingFlags

    @Option(help: "strong (the batch at one rank is split over P ranks) or weak (each of P ranks gets that batch).")
    var scaling = "strong"

    @Option(help: "Rank counts to predict, comma-separated.")
    var ranks = "1,2,4,8,16,32,64"

    @Option(help: "Compute microseconds per sample (forward + backward + optimizer) instead of measuring it.")
    var computeUsPerSample: Double?

    @Option(help: "With --compute-us-per-sample: fixed compute microseconds per step.")
    var stepOverheadUs = 0.0

    @Option(help: "Allreduce latency α in microseconds instead of measuring it.")
    var alphaUs: Double?

    @Option(help: "Allreduce bandwidth in gigabits per second (1/β) instead of measuring it; 10 for 10 GbE, 100 for EDR InfiniBand.")
    var betaGbps: Double?

    @Option(help: "The fraction of the backward pass that can hide communication, 0 (none, the default) to 1.")
    var overlapFraction = 0.0

    @Option(help: "Steps timed per batch size when measuring compute (after 2 warm-up steps).")
    var measureSteps = 5

    @Option(help: "A CSV of measured throughput: columns 'ranks' and 'samples_per_second' (a sweep's summary.csv works).")
    var measured: String?

    @Option(help: "Also write the predictions and measurements as an HTML page with charts.")
    var report: String?

    func run() throws {
        let config: TrainingConfig
        let rankList: [Int]
        let measuredScaling: MeasuredScaling?
        do {
            config = try flags.resolvedConfig()
            rankList = try ranks.split(separator: ",").map { text in
                guard let p = Int(text.trimmingCharacters(in: .whitespaces)), p >= 1, p <= 1 << 20 else {
                    throw SweepError("--ranks '\(ranks)': expected whole numbers ≥ 1 separated by commas, like 1,2,4,8")
                }
                return p
            }
            guard ["strong", "weak"].contains(scaling) else { throw SweepError("--scaling '\(scaling)' is not one of: strong, weak") }
            guard (0...1).contains(overlapFraction) else { throw SweepError("--overlap-fraction must be in [0, 1], got \(overlapFraction)") }
            guard measureSteps >= 1 else { throw SweepError("--measure-steps must be at least 1") }
            for (value, flag) in [(computeUsPerSample, "compute-us-per-sample"), (alphaUs, "alpha-us")] {
                if let value, !(value.isFinite && value >= 0) { throw SweepError("--\(flag) must be a number ≥ 0, got \(value)") }
            }
            if let betaGbps, !(betaGbps.isFinite && betaGbps > 0) { throw SweepError("--beta-gbps must be positive, got \(betaGbps)") }
            if (alphaUs == nil || betaGbps == nil) && !MPILaunch.isLaunched() {
                throw SweepError("α and β are measured across ranks: run under `mpirun -np 2 ddp-train scaling-model …`, "
                    + "or give both --alpha-us and --beta-gbps")
            }
            measuredScaling = try measured.map { try MeasuredScaling(path: $0) }
        } catch {
            failBeforeLaunch("\(error)")
        }
        try runDistributed { communicator in
            let forecast = try makeForecast(config: config, ranks: rankList, measured: measuredScaling, communicator: communicator)
            guard communicator.rank == 0 else { return }
            print(forecast.text())
            if let report {
                try forecast.report(title: "Scaling model: \(config.preset)").write(to: URL(fileURLWithPath: report))
                print("Report: \(report)")
            }
        }
    }

    func makeForecast(config: TrainingConfig, ranks: [Int], measured: MeasuredScaling?,
                      communicator: any Communicator) throws -> ScalingForecast {
        // The batch at one rank: the per-rank batch if given, else the global batch.
        let dataSamples = config.samples
        let batchAtOne = config.batchSize ?? config.globalBatchSize ?? dataSamples
        let mode: ScalingMode = scaling == "weak" ? .weak(perRankBatch: batchAtOne) : .strong(globalBatch: batchAtOne)
        var provenance: [String] = []

        // Compute: every rank times its own replica at once, as in a real step; the slowest counts.
        let largest = ranks.max() ?? 1
        let batches = scaling == "weak" ? [batchAtOne] : [batchAtOne, max(1, batchAtOne / largest)]
        // With a given compute cost, one untimed step still builds the model for its parameter count.
        let measuring = computeUsPerSample == nil
        let profile = try ComputeProfile.measure(config, batches: measuring ? batches : [1],
                                                 steps: measuring ? measureSteps : 1, warmup: measuring ? 2 : 0)
        var perSample = profile.secondsPerSample, overhead = profile.overheadSeconds
        if let given = computeUsPerSample {
            perSample = given * 1e-6
            overhead = stepOverheadUs * 1e-6
            provenance.append("compute: given, \(given) µs per sample + \(stepOverheadUs) µs per step")
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

        var alpha = alphaUs.map { $0 * 1e-6 }
        var beta = betaGbps.map { 8 / ($0 * 1e9) }
        if alpha == nil || beta == nil {
            let large = min(max(Int(gradientBytes), 1 << 20), 256 << 20)
            let probe = AllreduceProbe.measure(communicator, smallBytes: 8, largeBytes: large)
            provenance.append(String(format: "allreduce: measured on %d ranks: %d B in %.1f µs, %d B in %.3f ms",
                                     probe.ranks, probe.smallBytes, probe.smallSeconds * 1e6, probe.largeBytes, probe.largeSeconds * 1e3))
            alpha = alpha ?? probe.alphaSeconds
            beta = beta ?? probe.betaSecondsPerByte
        }
        let a = alpha ?? 0, b = beta ?? 0
        provenance.append(String(format: "α = %.2f µs, β = %.4g ns/byte (%.3g Gbit/s)", a * 1e6, b * 1e9, b > 0 ? 8 / b / 1e9 : .infinity)
                          + (alphaUs != nil || betaGbps != nil ? " (given where flagged)" : ""))
        let model = ScalingCostModel(computeSecondsPerSample: perSample, stepOverheadSeconds: overhead, gradientBytes: gradientBytes,
                                     alphaSeconds: a, betaSecondsPerByte: b, overlapFraction: overlapFraction,
                                     backwardShare: profile.backwardShare)
        return ScalingForecast(model: model, mode: mode, ranks: ranks, measured: measured, provenance: provenance)
    }
}
