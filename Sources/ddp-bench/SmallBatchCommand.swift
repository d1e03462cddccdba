import ArgumentParser
import Autograd
import Foundation

/// `ddp-bench small-batch`: small-batch training steps beside their GEMM floor.
struct SmallBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "small-batch",
        abstract: "Time small-batch training steps on one thread beside the same matrix products alone.",
        discussion: """
        A step takes the next samples of a shuffled order from a fixed random dataset, then zero
        grad, forward, loss, backward and optimizer step. The GEMM floor is the step's sgemm calls
        (recorded from one step: same shapes, same order) timed alone, the least the step could
        cost here; the step is reported as a multiple of it. The optimizer's update is also timed
        inside each step, and "rest" is what the step costs beyond the two: autograd, activations,
        loss, gathering the batch. "x floor+opt" is the step over products and update together,
        the least a step that updates its parameters could cost. Median wall and CPU time after
        warm-up.
        """
    )

    @Option(help: "Seconds of timed steps per workload and batch, and as many for its floor.")
    var seconds: Double = 1

    @Option(help: "Untimed warm-up steps.")
    var warmup: Int = 20

    @Option(parsing: .upToNextOption, help: "Batch sizes.")
    var batches: [Int] = [8, 32, 128]

    @Option(parsing: .upToNextOption,
            help: "Workloads: \(SmallBatchKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var workloads: [SmallBatchKind] = SmallBatchKind.allCases

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
        guard batches.allSatisfy({ $0 >= 1 && $0 <= SmallBatchKind.datasetSamples }) else {
            throw ValidationError("--batches must be in 1...\(SmallBatchKind.datasetSamples)")
        }
    }

    func run() throws {
        let kernels = MachineInfo.prepareBLAS()
        let machine = MachineInfo.current()
        print("ddp-bench small-batch: \(machine.summary); OpenBLAS threads \(BLAS.threadCount); \(kernels.description)")
        var rows: [SmallBatchResult] = []
        for kind in workloads {
            for batch in batches { rows.append(SmallBatchResult.measure(kind, batch: batch, warmup: warmup, seconds: seconds)) }
        }
        let report = SmallBatchReport(machine: machine, rows: rows)
        report.print()
        if let json { try JSONReport.write(report, to: json); Swift.print("wrote \(json)") }
    }
}

/// One workload at one batch: its step and its floor.
struct SmallBatchResult: Codable {
    let name: String
    let description: String
    let batch: Int
    let steps: Int
    let stepUs: Double
    let cpuStepUs: Double
    let gemmCalls: Int
    let floorUs: Double
    let cpuFloorUs: Double
    /// Step over floor, wall clock.
    let multipleOfFloor: Double
    /// The optimizer's update within the timed steps (median wall).
    let optimizerUs: Double
    /// The step beyond its products and its update: step − floor − optimizer.
    let restUs: Double

    static func measure(_ kind: SmallBatchKind, batch: Int, warmup: Int, seconds: Double) -> SmallBatchResult {
        let workload = kind.make(batch: batch, seed: 0)
        let step = Timings.measure(warmup: max(warmup, 1), seconds: seconds, minimumCalls: 10) { workload.step() }
        let floor = GemmFloor(recording: workload.step)
        let products = Timings.measure(warmup: max(warmup, 1), seconds: seconds, minimumCalls: 10) { floor.run() }
        let update = Timings.median(Array(workload.optimizerSeconds.suffix(step.count)))
        return SmallBatchResult(name: kind.rawValue, description: kind.summary, batch: batch, steps: step.count,
                                stepUs: step.medianWall * 1e6, cpuStepUs: step.medianCPU * 1e6,
                                gemmCalls: floor.calls.count, floorUs: products.medianWall * 1e6,
                                cpuFloorUs: products.medianCPU * 1e6,
                                multipleOfFloor: step.medianWall / products.medianWall,
                                optimizerUs: update * 1e6,
                                restUs: (step.medianWall - products.medianWall - update) * 1e6)
    }
}

/// Everything `small-batch` measured.
struct SmallBatchReport: Codable {
    let machine: MachineInfo
    let rows: [SmallBatchResult]

    func print() {
        let header = ["workload", "batch", "us/step", "cpu us", "sgemms", "floor us", "x floor", "opt us", "x floor+opt",
                      "rest us", "steps"]
        let table = rows.map { r in
            [r.name, "\(r.batch)", fixed(r.stepUs, 1), fixed(r.cpuStepUs, 1), "\(r.gemmCalls)", fixed(r.floorUs, 1),
             fixed(r.multipleOfFloor, 2), fixed(r.optimizerUs, 1), fixed(r.stepUs / (r.floorUs + r.optimizerUs), 2),
             fixed(r.restUs, 1), "\(r.steps)"]
        }
        Swift.print(TextTable(header: header, rows: table).rendered)
    }
}
