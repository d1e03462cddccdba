import ArgumentParser
import Autograd
import Foundation

/// `ddp-bench engine`: one training step of each workload on one thread, beside sgemm.
struct EngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time one training step of each network on one thread, beside OpenBLAS sgemm.",
        discussion: """
        A step is zero grad, forward, MSE loss, backward and optimizer step on a fixed random batch.
        Each workload is warmed up, then stepped for about --seconds; the median step time is
        reported, in wall-clock and in this thread's CPU time (on a shared machine the CPU time
        leaves out the time other processes held the core). Resident memory is read after the
        warm-up and after the last step: a difference means the engine grows step to step.
        """
    )

    @Option(help: "Seconds of timed steps per workload (after warm-up).")
    var seconds: Double = 2

    @Option(help: "Untimed warm-up steps per workload.")
    var warmup: Int = 5

    @Option(parsing: .upToNextOption,
            help: "Workloads to run: \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workloads: [WorkloadKind] = WorkloadKind.allCases

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
    }

    func run() throws {
        let kernels = MachineInfo.prepareBLAS()
        let machine = MachineInfo.current()
        print("ddp-bench engine: \(machine.summary); OpenBLAS threads \(BLAS.threadCount); \(kernels.description)")
        var results: [EngineResult] = []
        for kind in workloads {
            let result = EngineResult.measure(kind, warmup: warmup, seconds: seconds)
            results.append(result)
        }
        let sgemm = [SgemmRate.measure(m: 1024, n: 1024, k: 1024, seconds: seconds),
                     SgemmRate.measure(m: 100, n: 128, k: 128, seconds: seconds)]
        let report = EngineReport(machine: machine, blasThreads: BLAS.threadCount, workloads: results, sgemm: sgemm)
        report.print()
        if let json { try JSONReport.write(report, to: json); Swift.print("wrote \(json)") }
    }
}

/// The timing of one workload's training step.
struct EngineResult: Codable {
    let name: String
    let description: String
    let batch: Int
    let parameters: Int
    let steps: Int
    let medianMs: Double
    let cpuMedianMs: Double
    let samplesPerS: Double
    /// 6 · batch · Σ in·out per step, over the median step time; nil for the ResNet.
    let gflops: Double?
    /// The same over the median CPU time.
    let cpuGflops: Double?
    let rssAfterWarmupKib: Int?
    let rssAfterKib: Int?

    static func measure(_ kind: WorkloadKind, warmup: Int, seconds: Double) -> EngineResult {
        let workload = kind.make(batch: kind.engineBatch, seed: 0)
        var rssWarm: Int?
        // RSS is read once the warm-up steps have run and the timing arrays exist.
        let timings = Timings.measure(warmup: max(warmup, 1), seconds: seconds, minimumCalls: 10) {
            workload.step()
        } afterWarmup: {
            rssWarm = ResidentMemory.kibibytes()
        }
        let rssEnd = ResidentMemory.kibibytes()
        let median = timings.medianWall
        let flops = kind.linearMultiplyAdds.map { 6 * Double(workload.batch) * Double($0) }
        return EngineResult(name: kind.rawValue, description: kind.summary, batch: workload.batch,
                            parameters: workload.model.parameterCount, steps: timings.count,
                            medianMs: median * 1e3, cpuMedianMs: timings.medianCPU * 1e3,
                            samplesPerS: Double(workload.batch) / median, gflops: flops.map { $0 / median / 1e9 },
                            cpuGflops: flops.map { $0 / timings.medianCPU / 1e9 },
                            rssAfterWarmupKib: rssWarm, rssAfterKib: rssEnd)
    }
}

/// Everything `engine` measured, as printed and as written to JSON.
struct EngineReport: Codable {
    let machine: MachineInfo
    let blasThreads: Int
    let workloads: [EngineResult]
    let sgemm: [SgemmRate]
    /// The wide MLP's rate as a fraction of the 1024³ sgemm rate, when both were measured.
    let wideFractionOfSgemm: Double?
    /// The same by CPU time.
    let wideFractionOfSgemmCpu: Double?

    init(machine: MachineInfo, blasThreads: Int, workloads: [EngineResult], sgemm: [SgemmRate]) {
        self.machine = machine
        self.blasThreads = blasThreads
        self.workloads = workloads
        self.sgemm = sgemm
        let wide = workloads.first { $0.name == WorkloadKind.wideMLP.rawValue }
        let big = sgemm.first { $0.m == 1024 }
        wideFractionOfSgemm = wide?.gflops.flatMap { w in big.map { w / $0.gflops } }
        wideFractionOfSgemmCpu = wide?.cpuGflops.flatMap { w in big.map { w / $0.cpuGflops } }
    }

    func print() {
        let header = ["workload", "params", "batch", "ms/step", "cpu ms", "samples/s", "steps",
                      "RSS warm", "RSS end", "GFLOP/s"]
        let rows = workloads.map { r in
            [r.name, "\(r.parameters)", "\(r.batch)", fixed(r.medianMs, 3), fixed(r.cpuMedianMs, 3),
             fixed(r.samplesPerS, 0), "\(r.steps)", ResidentMemory.describe(r.rssAfterWarmupKib),
             ResidentMemory.describe(r.rssAfterKib), r.gflops.map { fixed($0, 1) } ?? "-"]
        }
        Swift.print(TextTable(header: header, rows: rows).rendered)
        for s in sgemm {
            Swift.print("sgemm \(s.shape) (m x n x k): \(fixed(s.medianMilliseconds, 3)) ms, \(fixed(s.gflops, 1)) GFLOP/s "
                        + "(by CPU time \(fixed(s.cpuGflops, 1)))")
        }
        if let fraction = wideFractionOfSgemm, let cpu = wideFractionOfSgemmCpu {
            Swift.print("wide_mlp: \(fixed(fraction * 100, 1))% of the 1024^3 sgemm rate (by CPU time \(fixed(cpu * 100, 1))%)")
        }
    }
}
