import Autograd
import Foundation
import Training
import NN

/// Compute time per step of a configuration's model on this process, measured by training it
/// for a few steps in-process (one rank, no communication), and its fit to t₀ + c·batch.
public struct ComputeProfile: Sendable {
    /// The median phase times of one batch size, in seconds.
    public struct Sample: Sendable {
        /// The per-rank batch size timed.
        public var batch: Int
        /// Forward pass and loss, in seconds.
        public var forward: Double
        /// Backward pass, in seconds.
        public var backward: Double
        /// Optimizer update, in seconds.
        public var optimizer: Double
        /// The whole step's compute, in seconds.
        public var step: Double { forward + backward + optimizer }
    }

    /// One sample per batch size timed, ascending.
    public var samples: [Sample]
    /// c: seconds per sample.
    public var secondsPerSample: Double
    /// t₀: seconds per step independent of the batch (0 when only one batch size was timed).
    public var overheadSeconds: Double
    /// The backward pass's share of step time, over all samples.
    public var backwardShare: Double
    /// The model's parameter count; the gradient is 4 bytes per parameter.
    public var parameterCount: Int

    /// Trains `config`'s model (built as `train` builds it: RunPlan, ModelFactory,
    /// OptimizerFactory) for `warmup` + `steps` steps at each batch size in `batches`, and fits
    /// step time = t₀ + c·batch by least squares over the medians. The data is the
    /// configuration's own, reused cyclically when a batch is larger than the data set.
    public static func measure(_ config: TrainingConfig, batches: [Int], steps: Int = 5, warmup: Int = 2) throws -> ComputeProfile {
        var c = config
        c.comparison = nil
        c.accumulateSteps = 1
        c.epochs = 1
        c.valFraction = 0
        c.targets = nil  // timing steps: no validation, so no goals that need one
        c.evalSchedule = nil
        c.maxSteps = nil
        c.dropLast = false
        try c.validate()  // before any data is read or generated
        let data = try DatasetLoader.load(c)
        var measured: [Sample] = []
        var parameterCount = 0
        for requested in Array(Set(batches)).sorted() {
            let batch = max(requested, c.batchNorm ? 2 : 1)
            c.batchSize = batch
            c.globalBatchSize = nil
            let plan = try RunPlan.resolve(c, worldSize: 1, trainSamples: data.count)
            let model = ModelFactory.make(plan)
            parameterCount = model.parameterCount
            let optimizer = OptimizerFactory.make(plan, parameters: model.parameters)
            let loss = LossFunction(config: c)
            model.train()
            var forward: [Double] = [], backward: [Double] = [], update: [Double] = []
            for s in 0..<(warmup + max(steps, 1)) {
                let indices = (0..<batch).map { (s * batch + $0) % data.count }
                let b = data.batch(indices)
                optimizer.zeroGrad()
                let t0 = DispatchTime.now().uptimeNanoseconds
                let l = loss(model(b.inputs), targets: b.targets, labels: b.labels)
                let t1 = DispatchTime.now().uptimeNanoseconds
                l.backward()
                let t2 = DispatchTime.now().uptimeNanoseconds
                optimizer.step()
                let t3 = DispatchTime.now().uptimeNanoseconds
                guard s >= warmup else { continue }
                forward.append(Double(t1 - t0) / 1e9)
                backward.append(Double(t2 - t1) / 1e9)
                update.append(Double(t3 - t2) / 1e9)
            }
            measured.append(Sample(batch: batch, forward: median(forward), backward: median(backward), optimizer: median(update)))
        }
        let fit = fitLine(measured.map { (Double($0.batch), $0.step) })
        let total = measured.reduce(0) { $0 + $1.step }
        return ComputeProfile(samples: measured, secondsPerSample: fit.slope, overheadSeconds: fit.intercept,
                              backwardShare: total > 0 ? measured.reduce(0) { $0 + $1.backward } / total : 0.5,
                              parameterCount: parameterCount)
    }

    /// Least-squares t = t₀ + c·b through the points, with t₀ ≥ 0 and c ≥ 0. One point (or
    /// points at a single batch) gives t₀ = 0 and c = t/b.
    public static func fitLine(_ points: [(batch: Double, seconds: Double)]) -> (intercept: Double, slope: Double) {
        guard !points.isEmpty else { return (0, 0) }
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.batch } / n
        let my = points.reduce(0) { $0 + $1.seconds } / n
        let sxx = points.reduce(0) { $0 + ($1.batch - mx) * ($1.batch - mx) }
        guard sxx > 0 else { return (0, mx > 0 ? my / mx : 0) }
        let slope = points.reduce(0) { $0 + ($1.batch - mx) * ($1.seconds - my) } / sxx
        if slope <= 0 { return (my, 0) }  // timing noise on a tiny model: all overhead
        let intercept = my - slope * mx
        if intercept < 0 { return (0, points.reduce(0) { $0 + $1.seconds * $1.batch } / points.reduce(0) { $0 + $1.batch * $1.batch }) }
        return (intercept, slope)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
