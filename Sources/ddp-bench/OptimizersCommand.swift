import ArgumentParser
import Autograd
import Foundation
import NN

/// `ddp-bench optimizers`: every optimizer path's update over a whole model, beside the memory
/// traffic it cannot avoid.
struct OptimizersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizers",
        abstract: "Time each optimizer's step over a model's parameters beside a memory-traffic floor.",
        discussion: """
        At small batches the optimizer's step is a large share of a training step: it touches every
        parameter and its state once per step, whatever the batch. Each row times `step()` over the
        parameters of the study's network (the teacher MLP, depth 8, width 128: 10 → 8 × 128 → 4)
        with fixed random gradients, beside its floor: one pass over as many arrays as the rule
        reads (parameters, gradients, state), writing as many as it writes, one addition per
        element, tensor by tensor in the same order. Median wall and CPU time after warm-up.
        """
    )

    @Option(help: "Seconds of timed steps per optimizer, and as many for its floor.")
    var seconds: Double = 1

    @Option(help: "Untimed warm-up steps.")
    var warmup: Int = 20

    @Option(help: "Hidden width of the MLP whose parameters are updated.")
    var width: Int = 128

    @Option(help: "Hidden layers of the MLP.")
    var depth: Int = 8

    @Option(help: "Gradients are N(0, scale²): a tiny scale (1e-20) makes squared gradients subnormal.")
    var gradientScale: Float = 1

    @Option(help: "Also write the figures as JSON to this file.")
    var json: String?

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
        guard width >= 1, depth >= 1 else { throw ValidationError("--width and --depth must be at least 1") }
    }

    func run() throws {
        let machine = MachineInfo.current()
        let model = MLP(inputs: 10, width: width, depth: depth, outputs: 4, activation: .relu)
        let count = model.parameters.reduce(0) { $0 + $1.count }
        print("ddp-bench optimizers: \(machine.summary); MLP 10 → \(depth) × \(width) → 4, "
              + "\(count) parameters in \(model.parameters.count) tensors")
        let rows = OptimizerRule.allCases.map { OptimizerResult.measure($0, width: width, depth: depth, gradientScale: gradientScale,
                                                                               warmup: warmup, seconds: seconds) }
        let report = OptimizersReport(machine: machine, parameters: count, rows: rows)
        report.print()
        if let json { try JSONReport.write(report, to: json); Swift.print("wrote \(json)") }
    }
}

/// The optimizer paths, with PyTorch's hyperparameters for each.
enum OptimizerRule: String, CaseIterable, Codable {
    case sgd, momentum, nesterov, dampening, weightDecay = "weight_decay", adam, adamw, rmsprop,
         rmspropCentered = "rmsprop_centered", rmspropMomentum = "rmsprop_momentum"

    func make(_ parameters: [Tensor]) -> Optimizer {
        switch self {
        case .sgd: return SGD(parameters: parameters, learningRate: 0.01)
        case .momentum: return SGD(parameters: parameters, learningRate: 0.01, momentum: 0.9)
        case .nesterov: return SGD(parameters: parameters, learningRate: 0.01, momentum: 0.9, nesterov: true)
        case .dampening: return SGD(parameters: parameters, learningRate: 0.01, momentum: 0.9, dampening: 0.1)
        case .weightDecay: return SGD(parameters: parameters, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4)
        case .adam: return Adam(parameters: parameters, learningRate: 1e-3)
        case .adamw: return Adam.adamW(parameters: parameters, learningRate: 1e-3)
        case .rmsprop: return RMSprop(parameters: parameters, learningRate: 0.01)
        case .rmspropCentered: return RMSprop(parameters: parameters, learningRate: 0.01, centered: true)
        case .rmspropMomentum: return RMSprop(parameters: parameters, learningRate: 0.01, momentum: 0.9)
        }
    }

    /// Arrays of the parameter's length the rule reads and writes per step, parameters and
    /// gradients included (state after the first step).
    var traffic: (reads: Int, writes: Int) {
        switch self {
        case .sgd: return (2, 1)
        case .momentum, .nesterov, .dampening, .weightDecay, .rmsprop: return (3, 2)
        case .adam, .adamw, .rmspropCentered, .rmspropMomentum: return (4, 3)
        }
    }
}

/// One optimizer's step and its floor.
struct OptimizerResult: Codable {
    let name: String
    let steps: Int
    let stepUs: Double
    let cpuStepUs: Double
    let floorUs: Double
    let cpuFloorUs: Double
    /// Step over floor, wall clock.
    let multipleOfFloor: Double
    /// Wall nanoseconds per parameter.
    let nsPerParameter: Double

    static func measure(_ rule: OptimizerRule, width: Int, depth: Int, gradientScale: Float, warmup: Int,
                        seconds: Double) -> OptimizerResult {
        let model = MLP(inputs: 10, width: width, depth: depth, outputs: 4, activation: .relu)
        let parameters = model.parameters
        var generator = RandomGenerator(seed: 7)
        for p in parameters {
            let g = Tensor.randomNormal(p.shape, generator: &generator)
            for i in 0..<g.count { g.pointer[i] *= gradientScale }
            p.grad = g
        }
        let optimizer = rule.make(parameters)
        let step = Timings.measure(warmup: max(warmup, 1), seconds: seconds, minimumCalls: 10) { optimizer.step() }
        let floor = MemoryTrafficFloor(counts: parameters.map(\.count), traffic: rule.traffic)
        let copies = Timings.measure(warmup: max(warmup, 1), seconds: seconds, minimumCalls: 10) { floor.run() }
        let count = Double(parameters.reduce(0) { $0 + $1.count })
        return OptimizerResult(name: rule.rawValue, steps: step.count, stepUs: step.medianWall * 1e6,
                               cpuStepUs: step.medianCPU * 1e6, floorUs: copies.medianWall * 1e6,
                               cpuFloorUs: copies.medianCPU * 1e6, multipleOfFloor: step.medianWall / copies.medianWall,
                               nsPerParameter: step.medianWall * 1e9 / count)
    }
}

/// The least an update can cost: a pass over as many arrays as the rule reads, writing as many as
/// it writes, with one addition per element. Per tensor, in the same order, over buffers of the
/// same count as the optimizer's (parameters, gradients, state), so the working set is the same.
final class MemoryTrafficFloor {
    private let arrays: [[UnsafeMutablePointer<Float>]]
    private let counts: [Int]
    private let writes: Int

    init(counts: [Int], traffic: (reads: Int, writes: Int)) {
        self.counts = counts
        writes = traffic.writes
        arrays = counts.map { n in
            (0..<traffic.reads).map { _ in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
                p.initialize(repeating: 0.5, count: n)
                return p
            }
        }
    }

    deinit {
        arrays.joined().forEach { $0.deallocate() }
    }

    func run() {
        for (t, n) in counts.enumerated() {
            let a = arrays[t]
            // Every array is read; the first `writes` are written: x_j += the last array.
            let last = a[a.count - 1]
            for j in 0..<writes {
                let x = a[j]
                for i in 0..<n { x[i] += last[i] }
            }
            // Arrays read but not written (beyond the last): read into a sum kept alive.
            var sink: Float = 0
            for j in writes..<(a.count - 1) {
                let x = a[j]
                for i in 0..<n { sink += x[i] }
            }
            if sink == .infinity { Swift.print("") }
        }
    }
}

/// Everything `optimizers` measured.
struct OptimizersReport: Codable {
    let machine: MachineInfo
    let parameters: Int
    let rows: [OptimizerResult]

    func print() {
        let header = ["optimizer", "us/step", "cpu us", "floor us", "x floor", "ns/param", "steps"]
        let table = rows.map { r in
            [r.name, fixed(r.stepUs, 1), fixed(r.cpuStepUs, 1), fixed(r.floorUs, 1), fixed(r.multipleOfFloor, 2),
             fixed(r.nsPerParameter, 2), "\(r.steps)"]
        }
        Swift.print(TextTable(header: header, rows: table).rendered)
    }
}
