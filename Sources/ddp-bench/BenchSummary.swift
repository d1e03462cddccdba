/// The comparisons of one benchmark run, each with its target (issue "The local engine" and
/// the data-parallel issue).
struct BenchSummary: Codable {
    /// One engine workload, ours beside PyTorch (medians over rounds).
    struct EngineComparison: Codable {
        let name: String
        let oursMs: Double
        let oursCpuMs: Double
        let pytorchMs: Double?
        /// PyTorch's time over ours: how many times faster we are.
        let speedup: Double?
        let targetSpeedup: Double
        let met: Bool?
    }

    /// One world size of data-parallel training on the wide MLP.
    struct ScalingComparison: Codable {
        let worldSize: Int
        let oursSamplesPerS: Double
        let oursEfficiency: Double
        let oursNoOverlapSamplesPerS: Double?
        let pytorchSamplesPerS: Double?
        let pytorchEfficiency: Double?
        /// Ours over PyTorch's samples/s.
        let ratioToPytorch: Double?
    }

    /// Gradient sync over raw allreduce at DataParallel's default 25 MiB buckets.
    struct SyncComparison: Codable {
        let worldSize: Int
        let syncMs: Double
        let rawMs: Double
        let ratio: Double
        let target: Double
        let met: Bool
    }

    var engine: [EngineComparison] = []
    var wideFractionOfSgemm: Double?
    var wideFractionOfSgemmCpu: Double?
    var oursSgemmGflops: Double?
    var pytorchSgemmGflops: Double?
    var sync: [SyncComparison] = []
    var scaling: [ScalingComparison] = []
    /// Weak-scaling efficiency of the seed networks, by name, then by world size ("2").
    var seedEfficiency: [String: [String: Double]] = [:]

    /// How many times faster than PyTorch each engine workload must be.
    static let targetSpeedups = ["seed_mlp": 1.6, "seed_resnet": 1.8, "seed_shallow": 5.0, "wide_mlp": 1.0]
    static let targetWideFraction = 0.9
    static let targetSyncRatio = 1.1

    init(_ files: ResultFiles) {
        for name in WorkloadKind.allCases.map(\.rawValue) {
            let ours = files.engine.compactMap { $0.workloads.first { $0.name == name } }
            guard !ours.isEmpty else { continue }
            let theirs = files.pytorch.compactMap { $0.training.first { $0.name == name }?.medianMs }
            let oursMs = Timings.median(ours.map(\.medianMs))
            let pytorchMs = theirs.isEmpty ? nil : Timings.median(theirs)
            let speedup = pytorchMs.map { $0 / oursMs }
            let target = BenchSummary.targetSpeedups[name] ?? 1
            engine.append(EngineComparison(name: name, oursMs: oursMs, oursCpuMs: Timings.median(ours.map(\.cpuMedianMs)),
                                           pytorchMs: pytorchMs, speedup: speedup, targetSpeedup: target,
                                           met: speedup.map { $0 >= target }))
        }
        let fractions = files.engine.compactMap(\.wideFractionOfSgemm)
        wideFractionOfSgemm = fractions.isEmpty ? nil : Timings.median(fractions)
        let cpuFractions = files.engine.compactMap(\.wideFractionOfSgemmCpu)
        wideFractionOfSgemmCpu = cpuFractions.isEmpty ? nil : Timings.median(cpuFractions)
        let sgemm = files.engine.compactMap { $0.sgemm.first { $0.m == 1024 }?.gflops }
        oursSgemmGflops = sgemm.isEmpty ? nil : Timings.median(sgemm)
        pytorchSgemmGflops = files.pytorch.isEmpty ? nil : Timings.median(files.pytorch.map(\.sgemm.gflops))

        for report in files.allReduce {
            guard let r = report.results.first(where: { $0.bucketMib == 25 }) ?? report.results.first else { continue }
            sync.append(SyncComparison(worldSize: report.worldSize, syncMs: r.syncMedianMs, rawMs: r.rawMedianMs,
                                       ratio: r.ratio, target: BenchSummary.targetSyncRatio,
                                       met: r.ratio <= BenchSummary.targetSyncRatio))
        }

        func samples(_ reports: [ScalingReport], _ name: String, _ world: Int) -> Double? {
            reports.first { $0.worldSize == world }?.results.first { $0.name == name }?.samplesPerS
        }
        let wide = WorkloadKind.wideMLP.rawValue
        if let base = samples(files.scaling, wide, 1) {
            let torchBase = files.pytorchDDP?.results.first { $0.world == 1 }?.samplesPerS
            for report in files.scaling {
                guard let ours = samples(files.scaling, wide, report.worldSize) else { continue }
                let theirs = files.pytorchDDP?.results.first { $0.world == report.worldSize }
                scaling.append(ScalingComparison(
                    worldSize: report.worldSize, oursSamplesPerS: ours,
                    oursEfficiency: ours / (Double(report.worldSize) * base),
                    oursNoOverlapSamplesPerS: samples(files.scalingNoOverlap, wide, report.worldSize),
                    pytorchSamplesPerS: theirs?.samplesPerS,
                    pytorchEfficiency: theirs.flatMap { t in torchBase.map { t.samplesPerS / (Double(report.worldSize) * $0) } },
                    ratioToPytorch: theirs.map { ours / $0.samplesPerS }))
            }
        }
        for name in WorkloadKind.allCases.map(\.rawValue) where name != wide {
            guard let base = samples(files.scaling, name, 1) else { continue }
            for report in files.scaling {
                guard let s = samples(files.scaling, name, report.worldSize) else { continue }
                seedEfficiency[name, default: [:]]["\(report.worldSize)"] = s / (Double(report.worldSize) * base)
            }
        }
    }

    func print() {
        Swift.print("Engine, one thread (medians over rounds; speedup = PyTorch ms / ours):")
        Swift.print(TextTable(header: ["workload", "ours ms", "ours cpu ms", "PyTorch ms", "speedup", "target", "met"],
                              rows: engine.map { e in
            [e.name, fixed(e.oursMs, 3), fixed(e.oursCpuMs, 3), e.pytorchMs.map { fixed($0, 3) } ?? "-",
             e.speedup.map { fixed($0, 2) + "x" } ?? "-", ">= " + fixed(e.targetSpeedup, 1) + "x",
             e.met.map { $0 ? "yes" : "NO" } ?? "-"]
        }).rendered)
        if let f = wideFractionOfSgemm {
            Swift.print("wide_mlp vs 1024^3 sgemm: \(fixed(f * 100, 1))% (target >= \(fixed(BenchSummary.targetWideFraction * 100, 0))%: "
                        + "\(f >= BenchSummary.targetWideFraction ? "met" : "NOT met")"
                        + (wideFractionOfSgemmCpu.map { "; by CPU time \(fixed($0 * 100, 1))%" } ?? "") + ")")
        }
        if let ours = oursSgemmGflops {
            Swift.print("sgemm 1024^3: OpenBLAS \(fixed(ours, 1)) GFLOP/s"
                        + (pytorchSgemmGflops.map { ", torch.mm \(fixed($0, 1)) GFLOP/s" } ?? ""))
        }
        if !sync.isEmpty {
            Swift.print("\nGradient sync vs raw MPI_Allreduce, wide MLP (16.8 MB), 25 MiB buckets:")
            Swift.print(TextTable(header: ["ranks", "sync ms", "raw ms", "sync/raw", "target", "met"], rows: sync.map { s in
                ["\(s.worldSize)", fixed(s.syncMs, 3), fixed(s.rawMs, 3), fixed(s.ratio, 2), "<= " + fixed(s.target, 1),
                 s.met ? "yes" : "NO"]
            }).rendered)
        }
        if !scaling.isEmpty {
            Swift.print("\nData-parallel wide MLP, per-rank batch 64 (efficiency = samples/s(N) / (N x samples/s(1))):")
            Swift.print(TextTable(header: ["ranks", "ours samples/s", "efficiency", "no-overlap samples/s",
                                           "PyTorch DDP samples/s", "PyTorch eff.", "ours/PyTorch"], rows: scaling.map { s in
                ["\(s.worldSize)", fixed(s.oursSamplesPerS, 0), fixed(s.oursEfficiency, 2),
                 s.oursNoOverlapSamplesPerS.map { fixed($0, 0) } ?? "-", s.pytorchSamplesPerS.map { fixed($0, 0) } ?? "-",
                 s.pytorchEfficiency.map { fixed($0, 2) } ?? "-", s.ratioToPytorch.map { fixed($0, 2) } ?? "-"]
            }).rendered)
        }
        for (name, byWorld) in seedEfficiency.sorted(by: { $0.key < $1.key }) {
            let parts = byWorld.sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }.map { "\($0.key) ranks \(fixed($0.value, 2))" }
            Swift.print("\(name) efficiency: " + parts.joined(separator: ", "))
        }
    }
}
