import ArgumentParser
import Collectives
import Experiments
import Foundation
import Training

/// `ddp-train time-to-target`: a critical-batch study's steps combined with the scaling model:
/// predicted wall time to target against ranks, on shared memory and on networks.
struct TimeToTarget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time-to-target",
        abstract: "Predict wall time to target against ranks from a critical-batch study and the scaling model.",
        discussion: """
        For each architecture of STUDY_DIR/critical-batch.json with a fitted S(B) = S_min·(1 + B_crit/B): at \
        --per-rank-batch b and R ranks, time to target = S(R·b) × step time(R), where the step time is the \
        compute for b samples (measured here by training the architecture in-process) plus the ring allreduce \
        2(P−1)α + 2(P−1)/P·n·β on each network. Under `mpirun -np 2` (or more) the shared-memory α and β are \
        measured on this machine; --network adds others (defaults: 10gbit=25:10 and 1gbit=50:1, α in µs and \
        Gbit/s, assumed). Writes STUDY_DIR/time-to-target.json.
        """
    )

    @Option(help: "The critical-batch study directory (it holds critical-batch.json).")
    var study: String

    @Option(help: "Samples per rank per step; R ranks train with a global batch of R × this.")
    var perRankBatch: Int

    @Option(help: "Rank counts to predict, comma-separated.")
    var ranks = "1,2,4,8,16,32,64"

    @Option(parsing: .singleValue, help: ArgumentHelp("A network as NAME=ALPHA_US:GBITS (repeatable); replaces the defaults.", valueName: "name=alpha:gbits"))
    var network: [String] = []

    @Option(help: "Steps timed per batch size when measuring compute.")
    var measureSteps = 20

    func run() throws {
        let result: CriticalBatchResult
        let rankList: [Int]
        var networks: [TimeToTargetForecast.Network]
        do {
            guard perRankBatch >= 1 else { throw SweepError("--per-rank-batch must be at least 1, got \(perRankBatch)") }
            guard measureSteps >= 1 else { throw SweepError("--measure-steps must be at least 1") }
            rankList = try ranks.split(separator: ",").map { text in
                guard let p = Int(text.trimmingCharacters(in: .whitespaces)), p >= 1, p <= 1 << 20 else {
                    throw SweepError("--ranks '\(ranks)': expected whole numbers ≥ 1 separated by commas, like 1,2,4,8")
                }
                return p
            }
            result = try CriticalBatchResult.read(from: URL(fileURLWithPath: study))
            networks = try (network.isEmpty ? ["10gbit=25:10", "1gbit=50:1"] : network).map(TimeToTargetForecast.Network.init(parsing:))
        } catch {
            failBeforeLaunch("\(error)")
        }
        try runDistributed { communicator in
            if communicator.worldSize > 1 {
                let probe = AllreduceProbe.measure(communicator, smallBytes: 8, largeBytes: 16 << 20)
                networks.insert(.init(name: "shared-memory", alphaSeconds: probe.alphaSeconds, betaSecondsPerByte: probe.betaSecondsPerByte,
                                      source: "measured here on \(communicator.worldSize) ranks"), at: 0)
            }
            var costs: [String: (perSample: Double, perStep: Double, gradientBytes: Double)] = [:]
            for architecture in result.architectures {
                let config = try result.configuration(of: architecture)
                let profile = try ComputeProfile.measure(config, batches: [perRankBatch, perRankBatch * 4], steps: measureSteps)
                var perSample = profile.secondsPerSample, perStep = profile.overheadSeconds
                if communicator.worldSize > 1 {
                    perSample = communicator.allReduce(perSample, op: .max)
                    perStep = communicator.allReduce(perStep, op: .max)
                }
                costs[architecture.name] = (perSample, max(perStep, 0), Double(profile.parameterCount * 4))
            }
            guard communicator.rank == 0 else { return }
            let forecast = TimeToTargetForecast(result: result, perRankBatch: perRankBatch, ranks: rankList, networks: networks,
                                                costs: costs)
            print(forecast.text())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let url = URL(fileURLWithPath: study).appendingPathComponent("time-to-target.json")
            try encoder.encode(forecast).write(to: url, options: .atomic)
            print("Wrote \(url.path)")
        }
    }
}
