import ArgumentParser
import Autograd
import Collectives
import DataParallelism
import NN

/// `ddp-bench scaling`: samples/s of data-parallel training at the launched world size.
struct ScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Measure data-parallel training throughput at the launched world size.",
        discussion: """
        Run alone for 1 rank or under mpirun for N. Each rank trains a replica (DataParallel:
        broadcast, bucketed allreduce overlapped with backward, average) on its own fixed random
        batch. After the warm-up, rank 0 times --steps steps between two barriers: samples/s is
        steps x per-rank batch x ranks / elapsed. scripts/bench.sh runs it at 1, 2 and 4 ranks
        and reports weak-scaling efficiency, samples/s(N) / (N x samples/s(1)).
        """
    )

    @Option(parsing: .upToNextOption,
            help: "Workloads to run: \(WorkloadKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workloads: [WorkloadKind] = [.wideMLP, .seedMLP, .seedResNet, .seedShallow]

    @Option(help: "Per-rank batch of the wide MLP (the seed networks keep their own: 100, 100, 16).")
    var wideBatch: Int = 64

    @Option(help: "Timed steps per workload.")
    var steps: Int = 50

    @Option(help: "Untimed warm-up steps per workload.")
    var warmup: Int = 5

    @Flag(help: "Allreduce only after backward, instead of overlapping it with backward.")
    var noOverlap = false

    @Option(help: "Also write the figures as JSON to this file (rank 0).")
    var json: String?

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
        guard wideBatch > 0 else { throw ValidationError("--wide-batch must be positive, got \(wideBatch)") }
    }

    func run() throws {
        _ = MachineInfo.prepareBLAS()
        let communicator = try makeCommunicator()
        let results = workloads.map { measure($0, communicator: communicator) }
        if communicator.rank == 0 {
            let report = ScalingReport(machine: MachineInfo.current(), worldSize: communicator.worldSize,
                                       overlap: !noOverlap, results: results)
            report.print()
            if let json { try JSONReport.write(report, to: json); print("wrote \(json)") }
        }
        communicator.finalize()
    }

    private func measure(_ kind: WorkloadKind, communicator: any Communicator) -> ScalingResult {
        let batch = kind == .wideMLP ? wideBatch : kind.engineBatch
        // Each rank its own batch; DataParallel copies rank 0's weights to all.
        let workload = kind.make(batch: batch, seed: UInt64(1 + communicator.rank))
        let dataParallel = DataParallel(model: workload.model, communicator: communicator, overlap: !noOverlap)
        dataParallel.broadcastState()
        var phases = PhaseSeconds()
        func step(recording: Bool) {
            let start = StepClock.now()
            dataParallel.zeroGradients()
            let loss = mseLoss(workload.model(workload.inputs), workload.targets)
            let forwardEnd = StepClock.now()
            dataParallel.backward(loss, synchronize: true)
            let backwardEnd = StepClock.now()
            dataParallel.finishSynchronization()
            let syncEnd = StepClock.now()
            workload.optimizer.step()
            let end = StepClock.now()
            if recording {
                phases.record(forward: forwardEnd.since(start).wall, backward: backwardEnd.since(forwardEnd).wall,
                              sync: syncEnd.since(backwardEnd).wall, optimizer: end.since(syncEnd).wall,
                              total: end.since(start).wall)
            }
        }
        for _ in 0..<warmup { step(recording: false) }
        communicator.barrier()
        let start = StepClock.now()
        for _ in 0..<steps { step(recording: true) }
        communicator.barrier()
        let elapsed = StepClock.now().since(start).wall
        // Rank 0 reports; the slowest rank's median step says whether ranks were uneven.
        let slowestMedian = communicator.allReduce(Timings.median(phases.total), op: .max)
        return ScalingResult(name: kind.rawValue, worldSize: communicator.worldSize, perRankBatch: batch,
                             samplesPerS: Double(steps * batch * communicator.worldSize) / elapsed,
                             medianStepMs: Timings.median(phases.total) * 1e3,
                             slowestRankMedianStepMs: slowestMedian * 1e3,
                             forwardMs: Timings.median(phases.forward) * 1e3,
                             backwardMs: Timings.median(phases.backward) * 1e3,
                             syncWaitMs: Timings.median(phases.sync) * 1e3,
                             optimizerMs: Timings.median(phases.optimizer) * 1e3,
                             gradientBytes: dataParallel.gradientBytes, buckets: dataParallel.bucketCount)
    }
}

/// Per-step seconds of each phase on this rank.
struct PhaseSeconds {
    var forward: [Double] = []
    var backward: [Double] = []
    var sync: [Double] = []
    var optimizer: [Double] = []
    var total: [Double] = []

    mutating func record(forward f: Double, backward b: Double, sync s: Double, optimizer o: Double, total t: Double) {
        forward.append(f); backward.append(b); sync.append(s); optimizer.append(o); total.append(t)
    }
}

/// One workload's throughput at one world size.
struct ScalingResult: Codable {
    let name: String
    let worldSize: Int
    let perRankBatch: Int
    let samplesPerS: Double
    let medianStepMs: Double
    let slowestRankMedianStepMs: Double
    /// Median per step on rank 0 (medians, as a shared machine's outliers swamp means):
    /// forward and loss; backward (launching allreduces as buckets fill); waiting for the
    /// allreduces still in flight; the optimizer.
    let forwardMs: Double
    let backwardMs: Double
    let syncWaitMs: Double
    let optimizerMs: Double
    let gradientBytes: Int
    let buckets: Int
}

/// Everything `scaling` measured.
struct ScalingReport: Codable {
    let machine: MachineInfo
    let worldSize: Int
    let overlap: Bool
    let results: [ScalingResult]

    func print() {
        Swift.print("ddp-bench scaling: \(worldSize) rank\(worldSize == 1 ? "" : "s"), overlap \(overlap ? "on" : "off"), "
                    + "\(machine.summary)")
        let rows = results.map { r in
            [r.name, "\(r.perRankBatch)", "\(r.perRankBatch * r.worldSize)", fixed(r.samplesPerS, 0),
             fixed(r.medianStepMs, 2), fixed(r.slowestRankMedianStepMs, 2), fixed(r.forwardMs, 2),
             fixed(r.backwardMs, 2), fixed(r.syncWaitMs, 2), fixed(r.optimizerMs, 2)]
        }
        Swift.print(TextTable(header: ["workload", "batch/rank", "global", "samples/s", "step ms", "slowest",
                                       "fwd ms", "bwd ms", "sync wait", "optim ms"], rows: rows).rendered)
    }
}
