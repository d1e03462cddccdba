import ArgumentParser
import Autograd
import Collectives
import DataParallelism
import NN

/// `ddp-bench allreduce`: DataParallel's gradient synchronization for the wide MLP beside a raw
/// `MPI_Allreduce` of the same bytes, at several bucket sizes.
struct AllReduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time DataParallel's gradient sync beside a raw MPI_Allreduce of the same bytes.",
        discussion: """
        Run under mpirun, e.g. `mpirun -np 2 ddp-bench allreduce`. The gradients are the wide
        MLP's (1024-4x1024-10, 4,208,650 floats, 16.8 MB). Each repetition times, between
        barriers, a raw MPI_Allreduce (sum) of that many floats on the world communicator, the
        same followed by the division by the world size (raw+avg, what a sync that divides after
        the sum would cost), then DataParallel's sync of the same gradients (bucketed allreduces
        on its communication thread; the average costs no pass of its own, because backward is
        seeded with 1/N), with nothing else running. A repetition's time is the slowest
        rank's; the median over repetitions is reported.
        """
    )

    @Option(help: "Timed repetitions per bucket size.")
    var repetitions: Int = 20

    @Option(help: "Untimed repetitions per bucket size.")
    var warmup: Int = 3

    @Option(name: .customLong("bucket-mib"), parsing: .upToNextOption,
            help: "DataParallel bucket capacities to try, in MiB.")
    var bucketMiB: [Int] = [1, 4, 25, 100]

    @Option(help: "Also write the figures as JSON to this file (rank 0).")
    var json: String?

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive, got \(repetitions)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
        guard !bucketMiB.isEmpty, bucketMiB.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--bucket-mib needs one or more positive sizes, got \(bucketMiB)")
        }
    }

    func run() throws {
        guard MPILaunch.isLaunched() else { throw BenchError.needsMPI(command: "allreduce") }
        _ = MachineInfo.prepareBLAS()
        let communicator = try MPICommunicator()
        let results = bucketMiB.map { measure(bucketMiB: $0, communicator: communicator) }
        if communicator.rank == 0 {
            let report = AllReduceReport(machine: MachineInfo.current(), worldSize: communicator.worldSize,
                                         overlapSupported: communicator.supportsOverlap, results: results)
            report.print()
            if let json { try JSONReport.write(report, to: json); print("wrote \(json)") }
        }
        communicator.finalize()
    }

    private func measure(bucketMiB: Int, communicator: any Communicator) -> AllReduceResult {
        // Weights stay zero: only the gradients' size matters here.
        let model = MLP(inputs: 1024, width: 1024, depth: 4, outputs: 10, activation: .relu)
        let dataParallel = DataParallel(model: model, communicator: communicator, bucketCapacityBytes: bucketMiB << 20)
        for p in model.parameters { p.grad?.fill(1) }
        let count = model.parameterCount
        let raw = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { raw.deallocate() }

        let scale = 1 / Float(communicator.worldSize)
        /// Raw allreduce, raw allreduce followed by the average, and DataParallel's sync.
        func once() -> [Double] {
            // Refilled each time so that repeated sums stay far from overflow.
            raw.initialize(repeating: 1)
            communicator.barrier()
            let rawStart = StepClock.now()
            communicator.allReduce(raw, op: .sum)
            let rawTime = StepClock.now().since(rawStart).wall
            communicator.barrier()
            let averagedStart = StepClock.now()
            communicator.allReduce(raw, op: .sum)
            VectorMath.map(raw.baseAddress!, raw.baseAddress!, count) { $0 * scale }
            let averagedTime = StepClock.now().since(averagedStart).wall
            communicator.barrier()
            dataParallel.beginBackward(synchronize: true)
            let syncStart = StepClock.now()
            dataParallel.finishSynchronization()
            return [rawTime, averagedTime, StepClock.now().since(syncStart).wall]
        }
        for _ in 0..<warmup { _ = once() }
        var times: [Double] = []
        for _ in 0..<repetitions { times += once() }
        // The slowest rank's time for each repetition.
        communicator.allReduce(&times, op: .max)
        func column(_ i: Int) -> Double { Timings.median(stride(from: i, to: times.count, by: 3).map { times[$0] }) * 1e3 }
        return AllReduceResult(bucketMib: bucketMiB, bucketCount: dataParallel.bucketCount,
                               bytes: count * MemoryLayout<Float>.size,
                               rawMedianMs: column(0), rawAveragedMedianMs: column(1), syncMedianMs: column(2))
    }
}

/// One bucket size's figures.
struct AllReduceResult: Codable {
    let bucketMib: Int
    let bucketCount: Int
    let bytes: Int
    let rawMedianMs: Double
    /// A raw allreduce followed by the division by the world size on the calling thread: what
    /// a sync must do at least, as the average is what it delivers.
    let rawAveragedMedianMs: Double
    let syncMedianMs: Double
    /// Sync time over raw allreduce time.
    let ratio: Double

    init(bucketMib: Int, bucketCount: Int, bytes: Int, rawMedianMs: Double, rawAveragedMedianMs: Double,
         syncMedianMs: Double) {
        self.bucketMib = bucketMib
        self.bucketCount = bucketCount
        self.bytes = bytes
        self.rawMedianMs = rawMedianMs
        self.rawAveragedMedianMs = rawAveragedMedianMs
        self.syncMedianMs = syncMedianMs
        ratio = syncMedianMs / rawMedianMs
    }
}

/// Everything `allreduce` measured.
struct AllReduceReport: Codable {
    let machine: MachineInfo
    let worldSize: Int
    let overlapSupported: Bool
    let results: [AllReduceResult]

    func print() {
        Swift.print("ddp-bench allreduce: \(worldSize) ranks, \(machine.summary); "
                    + "communication thread: \(overlapSupported ? "yes" : "no (MPI granted less than MPI_THREAD_MULTIPLE)")")
        let rows = results.map { r in
            ["\(r.bucketMib)", "\(r.bucketCount)", fixed(Double(r.bytes) / 1e6, 1), fixed(r.syncMedianMs, 3),
             fixed(r.rawMedianMs, 3), fixed(r.rawAveragedMedianMs, 3), fixed(r.ratio, 2)]
        }
        Swift.print(TextTable(header: ["bucket MiB", "buckets", "MB", "sync ms", "raw ms", "raw+avg ms", "sync/raw"],
                              rows: rows).rendered)
    }
}
