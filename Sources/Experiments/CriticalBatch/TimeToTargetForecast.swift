import Foundation
import Training

/// Wall time to target across ranks and networks: the steps a batch needs, from a study's fit
/// S(B) = S_min·(1 + B_crit/B), times the step time the cost model predicts at that many ranks
/// (compute for the per-rank batch plus the ring allreduce 2(P−1)α + 2(P−1)/P·n·β).
///
/// At a fixed per-rank batch b, R ranks train with B = R·b: more ranks mean fewer steps (while
/// B is below B_crit) but dearer steps (communication). The forecast finds where the two meet.
public struct TimeToTargetForecast: Codable, Sendable {
    /// A network's allreduce parameters.
    public struct Network: Codable, Sendable, Equatable {
        /// The network's label, as the tables and charts show it.
        public var name: String
        /// Latency per message step, seconds (α).
        public var alphaSeconds: Double
        /// Seconds per byte (β = 1/bandwidth).
        public var betaSecondsPerByte: Double
        /// Where the values came from (measured here, or assumed).
        public var source: String

        enum CodingKeys: String, CodingKey {
            case name, source, alphaSeconds = "alpha_seconds", betaSecondsPerByte = "beta_seconds_per_byte"
        }

        /// A network from its parts.
        public init(name: String, alphaSeconds: Double, betaSecondsPerByte: Double, source: String) {
            self.name = name
            self.alphaSeconds = alphaSeconds
            self.betaSecondsPerByte = betaSecondsPerByte
            self.source = source
        }

        /// Parses `NAME=ALPHA_US:GBITS`, e.g. `10gbit=25:10`.
        public init(parsing text: String) throws {
            let usage = "write NAME=ALPHA_US:GBITS_PER_S, e.g. 10gbit=25:10"
            let parts = text.split(separator: "=", maxSplits: 1)
            let numbers = parts.count == 2 ? parts[1].split(separator: ":") : []
            guard parts.count == 2, numbers.count == 2, let alpha = Double(numbers[0]), let gbits = Double(numbers[1]),
                  alpha >= 0, alpha.isFinite, gbits > 0, gbits.isFinite else {
                throw SweepError("--network '\(text)': \(usage)")
            }
            self.init(name: String(parts[0]), alphaSeconds: alpha * 1e-6, betaSecondsPerByte: 8 / (gbits * 1e9),
                      source: "assumed: α \(alpha) µs, \(gbits) Gbit/s")
        }
    }

    /// One rank count on one network.
    public struct Row: Codable, Sendable {
        /// The rank count R.
        public var ranks: Int
        /// R × the per-rank batch.
        public var globalBatch: Int
        /// Steps to target predicted by the fit at this global batch.
        public var steps: Double
        /// Whether the batch lies outside the batches the study measured (an extrapolation).
        public var extrapolated: Bool
        /// Predicted seconds per step at R ranks on this network.
        public var stepSeconds: Double
        /// Predicted seconds to target: steps × step seconds.
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case ranks, steps, extrapolated, seconds, globalBatch = "global_batch", stepSeconds = "step_seconds"
        }
    }

    /// One architecture on one network.
    public struct Curve: Codable, Sendable {
        /// The network's name.
        public var network: String
        /// One row per rank count, ascending.
        public var rows: [Row]
        /// The rank count with the shortest predicted time.
        public var fastestRanks: Int
        /// The fewest ranks whose time is within 10 % of the fastest: more buys little.
        public var ranksWorthUsing: Int

        enum CodingKeys: String, CodingKey {
            case network, rows, fastestRanks = "fastest_ranks", ranksWorthUsing = "ranks_worth_using"
        }
    }

    /// One architecture.
    public struct Architecture: Codable, Sendable {
        /// The architecture's name.
        public var name: String
        /// The fitted S_min.
        public var sMin: Double
        /// The fitted B_crit.
        public var bCrit: Double
        /// Compute seconds per sample and per step, and gradient bytes, measured here.
        public var computeSecondsPerSample: Double
        /// See `computeSecondsPerSample`: the fixed cost of a step.
        public var stepOverheadSeconds: Double
        /// See `computeSecondsPerSample`: the bytes one step's gradient allreduce moves.
        public var gradientBytes: Double
        /// One curve per network.
        public var curves: [Curve]

        enum CodingKeys: String, CodingKey {
            case name, curves, sMin = "s_min", bCrit = "b_crit", computeSecondsPerSample = "compute_seconds_per_sample"
            case stepOverheadSeconds = "step_overhead_seconds", gradientBytes = "gradient_bytes"
        }
    }

    /// The target the steps are to, as written.
    public var target: String
    /// The per-rank batch b held fixed.
    public var perRankBatch: Int
    /// The networks compared.
    public var networks: [Network]
    /// One entry per architecture with a fit.
    public var architectures: [Architecture]
    /// Architectures left out, with why (no fitted S_min and B_crit).
    public var skipped: [String]

    enum CodingKeys: String, CodingKey {
        case target, networks, architectures, skipped, perRankBatch = "per_rank_batch"
    }

    /// The forecast for `result`'s architectures, each with its measured compute cost.
    /// - Parameters:
    ///   - costs: per architecture name, (seconds per sample, seconds per step, gradient bytes).
    ///   - smallAllreducesPerStep: latency-bound collectives per step besides the gradients.
    public init(result: CriticalBatchResult, perRankBatch: Int, ranks: [Int], networks: [Network],
                costs: [String: (perSample: Double, perStep: Double, gradientBytes: Double)], smallAllreducesPerStep: Int = 2) {
        target = result.target
        self.perRankBatch = perRankBatch
        self.networks = networks
        var architectures: [Architecture] = [], skipped: [String] = []
        for a in result.architectures {
            guard let sMin = a.fit.sMin, let bCrit = a.fit.bCrit, let cost = costs[a.name] else {
                skipped.append("\(a.name): fit \(a.fit.status), no finite S_min and B_crit")
                continue
            }
            let measured = a.batches.map(\.batchSize)
            let lo = measured.min() ?? 0, hi = measured.max() ?? 0
            let curves = networks.map { network -> Curve in
                let model = ScalingCostModel(computeSecondsPerSample: cost.perSample, stepOverheadSeconds: cost.perStep,
                                             gradientBytes: cost.gradientBytes, alphaSeconds: network.alphaSeconds,
                                             betaSecondsPerByte: network.betaSecondsPerByte,
                                             smallAllreducesPerStep: smallAllreducesPerStep)
                let rows = ranks.map { r -> Row in
                    let global = r * perRankBatch
                    let steps = sMin * (1 + bCrit / Double(global))
                    let step = model.predict(ranks: r, perRankBatch: Double(perRankBatch)).stepSeconds
                    return Row(ranks: r, globalBatch: global, steps: steps, extrapolated: global < lo || global > hi,
                               stepSeconds: step, seconds: steps * step)
                }
                let fastest = rows.min { $0.seconds < $1.seconds }
                let worth = rows.first { $0.seconds <= (fastest?.seconds ?? 0) * 1.1 }
                return Curve(network: network.name, rows: rows, fastestRanks: fastest?.ranks ?? 1,
                             ranksWorthUsing: worth?.ranks ?? 1)
            }
            architectures.append(Architecture(name: a.name, sMin: sMin, bCrit: bCrit, computeSecondsPerSample: cost.perSample,
                                              stepOverheadSeconds: cost.perStep, gradientBytes: cost.gradientBytes,
                                              curves: curves))
        }
        self.architectures = architectures
        self.skipped = skipped
    }

    /// The forecast as text: per architecture and network, time to target at each rank count.
    public func text() -> String {
        var lines = ["Time to \(target) at \(perRankBatch) samples per rank (steps from the fit × predicted step time):"]
        for a in architectures {
            lines.append(String(format: "%@: S_min %.4g, B_crit %.4g; compute %.3g µs/sample + %.3g µs/step, %.0f gradient bytes",
                                a.name, a.sMin, a.bCrit, a.computeSecondsPerSample * 1e6, a.stepOverheadSeconds * 1e6, a.gradientBytes))
            let header = "  ranks  batch     steps" + a.curves.map { " " + String(repeating: " ", count: max(0, 14 - $0.network.count)) + $0.network }.joined()
            lines.append(header)
            for (i, row) in (a.curves.first?.rows ?? []).enumerated() {
                var line = String(format: "  %5d %6d %9.1f%@", row.ranks, row.globalBatch, row.steps, row.extrapolated ? "*" : " ")
                for curve in a.curves { line += String(format: " %13.4gs", curve.rows[i].seconds) }
                lines.append(line)
            }
            for curve in a.curves {
                lines.append("  \(curve.network): fastest at \(curve.fastestRanks) rank(s); worth using: \(curve.ranksWorthUsing) "
                             + "(the fewest within 10 % of the fastest)")
            }
        }
        if architectures.contains(where: { $0.curves.contains { $0.rows.contains(where: \.extrapolated) } }) {
            lines.append("* the global batch lies outside the batches the study measured: the fit is extrapolated there")
        }
        lines += skipped.map { "skipped \($0)" }
        return lines.joined(separator: "\n")
    }
}
