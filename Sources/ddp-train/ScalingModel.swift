import ArgumentParser
import Collectives
import Foundation
import Experiments
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

        Examples (docs/CLUSTERS.md):
          ddp-train scaling-model --preset teacher-regression \\
            --alpha-us 20 --beta-gbps 10
          mpirun -np 2 ddp-train scaling-model --preset teacher-regression \\
            --measured runs/study/strong/summary.csv --report scaling.html
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

    @Option(help: "Small latency-bound collectives per step besides the gradients (ddp-train's trainer makes 2: flags; loss and timings).")
    var smallAllreduces = 2

    @Option(help: "A CSV of measured throughput: columns 'ranks' and 'samples_per_second' (a sweep's summary.csv works).")
    var measured: String?

    @Option(help: "Also write the predictions and measurements as an HTML page with charts.")
    var report: String?

    func run() throws {
        // The base configuration, before any grid or per-trial setting.
        if flags.printConfig {
            do { _ = try flags.printConfigIfAsked(try flags.resolvedConfig()) } catch { failBeforeLaunch("\(error)") }
            return
        }
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
            guard smallAllreduces >= 0 else { throw SweepError("--small-allreduces must be ≥ 0, got \(smallAllreduces)") }
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
        let batch = ScalingModelInputs.batchAtOneRank(config)
        var inputs = ScalingModelInputs(config: config, mode: scaling == "weak" ? .weak(perRankBatch: batch) : .strong(globalBatch: batch),
                                        ranks: rankList)
        inputs.computeMicrosecondsPerSample = computeUsPerSample
        inputs.stepOverheadMicroseconds = stepOverheadUs
        inputs.alphaMicroseconds = alphaUs
        inputs.betaGigabitsPerSecond = betaGbps
        inputs.overlapFraction = overlapFraction
        inputs.measureSteps = measureSteps
        inputs.smallAllreducesPerStep = smallAllreduces
        try runDistributed { communicator in
            let forecast = try inputs.forecast(measured: measuredScaling, communicator: communicator)
            guard communicator.rank == 0 else { return }
            print(forecast.text())
            if let report {
                try forecast.report(title: "Scaling model: \(config.preset)").write(to: URL(fileURLWithPath: report))
                print("Report: \(report)")
            }
        }
    }
}
