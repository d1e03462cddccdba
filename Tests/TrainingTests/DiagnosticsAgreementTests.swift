import Autograd
import Collectives
import NN
import Training
import XCTest

/// GradientDiagnostics around hand-driven forward/backward passes agrees with the same
/// quantities computed directly from the outputs, gradients and weights.
final class DiagnosticsAgreementTests: XCTestCase {
    /// Records every output of the modules it is attached to (the diagnostics chain their
    /// own hooks after an existing one, so both see the same tensors).
    final class OutputLog {
        var outputs: [String: [Tensor]] = [:]

        func attach(to model: Module) {
            for (name, module) in model.namedModules() where module is Activation {
                module.forwardHook = { [unowned self] _, y in self.outputs[name, default: []].append(y.copy()) }
            }
        }
    }

    func fill(_ model: Module, seed: UInt64, std: Float) {
        var g = RandomGenerator(seed: seed)
        for p in model.parameters {
            for i in 0..<p.count { p.pointer[i] = std * g.normal() }
        }
    }

    func tensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var g = RandomGenerator(seed: seed)
        return Tensor.randomNormal(shape, generator: &g)
    }

    func squaredNorm(_ t: Tensor?) -> Double {
        guard let t else { return 0 }
        return t.scalars.reduce(0) { $0 + Double($1) * Double($1) }
    }

    func diagnostics(_ model: Module, perRankBatch: Int, accumulation: Int) -> GradientDiagnostics {
        // Rank 1's console is silent: warnings are still collected in `warningsIssued`.
        GradientDiagnostics(model: model, communicator: SingleProcessCommunicator(), perRankBatch: perRankBatch,
                            accumulationSteps: accumulation, console: Console(rank: 1, quiet: true),
                            options: DiagnosticsOptions(every: 1))
    }

    /// One optimizer step as the trainer takes it: micro-batch losses scaled by 1/K, then plain
    /// SGD. Returns the diagnostics record.
    func step(_ model: Module, _ d: GradientDiagnostics, step: Int, batches: [(Tensor, Tensor)], lr: Float) -> DiagnosticsRecord {
        model.zeroGrad()
        d.beginStep(step: step)
        for (m, (x, t)) in batches.enumerated() {
            var l = mseLoss(model(x), t)
            if batches.count > 1 { l = l * (1 / Float(batches.count)) }
            l.backward()
            d.microStepDidFinish(index: m, count: batches.count)
        }
        d.afterSynchronization(localSquaredNorms: model.parameters.map { squaredNorm($0.grad) })
        for p in model.parameters {
            guard let g = p.grad else { continue }
            for i in 0..<p.count { p.pointer[i] -= lr * g.pointer[i] }
        }
        return d.finishStep(step: step)
    }

    func testSigmoidMLPWithAccumulationMatchesDirectComputation() throws {
        let model = MLP(inputs: 3, width: 6, depth: 3, outputs: 2, activation: .sigmoid)
        fill(model, seed: 1, std: 1.5)  // large weights, so some units saturate
        let batches = [(tensor([4, 3], seed: 2), tensor([4, 2], seed: 3)), (tensor([4, 3], seed: 4), tensor([4, 2], seed: 5))]
        let parameters = model.namedParameters()
        let weights = parameters.filter { $0.name.hasSuffix("weight") }

        // Each micro-batch's own gradient, unscaled: the small-batch gradients. |G_small|² is
        // the mean of their squared norms.
        var smallSquared = 0.0
        var smallPerWeight = [Double](repeating: 0, count: weights.count)
        for (x, t) in batches {
            model.zeroGrad()
            mseLoss(model(x), t).backward()
            smallSquared += parameters.reduce(0) { $0 + squaredNorm($1.tensor.grad) } / 2
            for (i, w) in weights.enumerated() { smallPerWeight[i] += squaredNorm(w.tensor.grad) / 2 }
        }

        let log = OutputLog()
        log.attach(to: model)
        let before = weights.map { $0.tensor.scalars }
        let d = diagnostics(model, perRankBatch: 4, accumulation: 2)
        let lr: Float = 0.1
        model.zeroGrad()
        let record = step(model, d, step: 1, batches: batches, lr: lr)

        // Activations: mean, std and saturated fraction over both micro-batches.
        let names = model.namedModules().filter { $0.module is Activation }.map(\.name)
        XCTAssertEqual(record.activations.map(\.name), names)
        for a in record.activations {
            let values = try XCTUnwrap(log.outputs[a.name]).flatMap(\.scalars).map(Double.init)
            XCTAssertEqual(values.count, 8 * 6)
            let mean = values.reduce(0, +) / Double(values.count)
            let std = (values.reduce(0) { $0 + $1 * $1 } / Double(values.count) - mean * mean).squareRoot()
            let saturated = Double(values.filter { $0 * (1 - $0) < 0.05 * 0.25 }.count) / Double(values.count)
            XCTAssertEqual(a.mean, mean, accuracy: 1e-9, a.name)
            XCTAssertEqual(a.std, std, accuracy: 1e-9, a.name)
            XCTAssertEqual(try XCTUnwrap(a.saturatedFraction), saturated, accuracy: 1e-12, a.name)
            XCTAssertNil(a.deadFraction, "sigmoid units saturate; they do not die")
        }
        XCTAssertGreaterThan(record.activations.compactMap(\.saturatedFraction).max() ?? 0, 0,
                             "the weights were chosen so that some units saturate")

        // Local norms (one rank: the averaged gradient itself, no spread) and update ratios.
        let averagedPerWeight = weights.map { squaredNorm($0.tensor.grad) }
        XCTAssertEqual(record.localGradientNorms.map(\.name), weights.map(\.name))
        for (l, sq) in zip(record.localGradientNorms, averagedPerWeight) {
            XCTAssertEqual(l.mean, sq.squareRoot(), accuracy: 1e-12 * max(1, sq.squareRoot()))
            XCTAssertEqual(l.spread, 0)
        }
        for ((u, w), old) in zip(zip(record.updateRatios, weights), before) {
            let new = w.tensor.scalars
            let change = zip(new, old).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }.squareRoot()
            let size = old.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertEqual(u.name, w.name)
            XCTAssertEqual(u.ratio, change / size, accuracy: 1e-12)
            // Plain SGD: Δw = −lr·g.
            XCTAssertEqual(u.ratio, Double(lr) * squaredNorm(w.tensor.grad).squareRoot() / size, accuracy: 1e-6 * u.ratio)
        }

        // Noise scale: small batches = each micro-batch (4 samples), large = both (8 samples).
        let noise = try XCTUnwrap(record.noiseScale)
        let largeSquared = parameters.reduce(0) { $0 + squaredNorm($1.tensor.grad) }
        let expected = NoiseScaleEstimator.estimate(smallSquaredNorm: smallSquared, largeSquaredNorm: largeSquared,
                                                    smallBatch: 4, largeBatch: 8)
        XCTAssertEqual(noise.smallBatch, 4)
        XCTAssertEqual(noise.largeBatch, 8)
        XCTAssertEqual(noise.gradientSquaredNorm, expected.gradientSquaredNorm, accuracy: 1e-5 * abs(expected.gradientSquaredNorm))
        XCTAssertEqual(noise.traceCovariance, expected.traceCovariance, accuracy: 1e-5 * abs(expected.traceCovariance))
        XCTAssertEqual(noise.simple, expected.simple, accuracy: 1e-5 * abs(expected.simple))
        for (slot, layer) in noise.perLayer.enumerated() {
            let e = NoiseScaleEstimator.estimate(smallSquaredNorm: smallPerWeight[slot], largeSquaredNorm: averagedPerWeight[slot],
                                                 smallBatch: 4, largeBatch: 8)
            XCTAssertEqual(layer.name, weights[slot].name)
            // After one update the smoothed ratio is the step's own ratio (when |G|² > 0).
            if e.gradientSquaredNorm > 0 {
                XCTAssertEqual(try XCTUnwrap(layer.value), e.simple, accuracy: 1e-5 * abs(e.simple))
            } else {
                XCTAssertNil(layer.value)
            }
        }
        XCTAssertNil(record.noiseScaleNote)

        // Histograms of every weight's gradient and every activation's outputs (rank 0).
        let tags = Set(record.histograms.map(\.tag))
        XCTAssertEqual(tags, Set(weights.map { "gradients/\($0.name)" } + names.map { "activations/\($0)" }))
        let firstGradient = try XCTUnwrap(record.histograms.first { $0.tag == "gradients/\(weights[0].name)" })
        XCTAssertEqual(firstGradient.values, try XCTUnwrap(weights[0].tensor.grad).scalars)

        // The diagnostics handed the hooks back: a later forward reaches the log, not them.
        let logged = log.outputs[names[0]]?.count ?? 0
        _ = model(batches[0].0)
        XCTAssertEqual(log.outputs[names[0]]?.count, logged + 1)
    }

    func testDeadUnitsOfLinearAndConvolutionLayers() throws {
        // Linear: two units with a hopeless bias are dead for any input.
        let linear = Linear(3, 5)
        let mlp = Sequential([linear, Activation(.relu), Linear(5, 1)])
        fill(mlp, seed: 11, std: 1)
        linear.bias?.pointer[1] = -100
        linear.bias?.pointer[3] = -100
        let linearRecord = try deadFractions(mlp, input: tensor([8, 3], seed: 12), target: tensor([8, 1], seed: 13))
        XCTAssertGreaterThanOrEqual(linearRecord, 0.4)

        // Conv1d: units are (channel, position); channel 0 is dead at all 5 positions.
        let conv = Conv1d(2, 3, kernelSize: 3, padding: 1)
        let net = Sequential([conv, Activation(.relu), Conv1d(3, 1, kernelSize: 1)])
        fill(net, seed: 21, std: 1)
        conv.bias?.pointer[0] = -100
        let convRecord = try deadFractions(net, input: tensor([4, 2, 5], seed: 22), target: tensor([4, 1, 5], seed: 23))
        XCTAssertGreaterThanOrEqual(convRecord, 5.0 / 15.0)
    }

    /// Runs two diagnostic steps and checks the first activation's dead fraction against the
    /// outputs; returns it.
    func deadFractions(_ model: Module, input: Tensor, target: Tensor) throws -> Double {
        let log = OutputLog()
        log.attach(to: model)
        let d = diagnostics(model, perRankBatch: input.shape[0], accumulation: 1)
        let first = step(model, d, step: 1, batches: [(input, target)], lr: 0.01)
        let name = try XCTUnwrap(first.activations.first).name
        let y = try XCTUnwrap(log.outputs[name]?.last)
        let units = y.count / y.shape[0]
        let values = y.scalars
        let dead = (0..<units).filter { u in (0..<y.shape[0]).allSatisfy { values[$0 * units + u] <= 0 } }.count
        let reported = try XCTUnwrap(first.activations.first?.deadFraction)
        XCTAssertEqual(reported, Double(dead) / Double(units), accuracy: 1e-12)
        XCTAssertNil(first.activations.first?.saturatedFraction, "ReLU units die; they do not saturate")

        // One rank without accumulation: no noise scale, and the reason is given once.
        XCTAssertNil(first.noiseScale)
        XCTAssertNotNil(first.noiseScaleNote)
        let second = step(model, d, step: 2, batches: [(input, target)], lr: 0.01)
        XCTAssertNil(second.noiseScaleNote)
        return reported
    }

    func testVanishingWarningAfterThreeDiagnosticStepsAndOnlyOnce() throws {
        // A deep, narrow sigmoid stack with small weights: the first layer's gradient is tiny.
        let model = MLP(inputs: 4, width: 8, depth: 8, outputs: 1, activation: .sigmoid)
        fill(model, seed: 31, std: 0.3)
        let batch = (tensor([16, 4], seed: 32), tensor([16, 1], seed: 33))
        let d = GradientDiagnostics(model: model, communicator: SingleProcessCommunicator(), perRankBatch: 16,
                                    accumulationSteps: 1, console: Console(rank: 1, quiet: true),
                                    options: DiagnosticsOptions(every: 1, vanishingThreshold: 1e-3))
        for s in 1...5 {
            _ = step(model, d, step: s, batches: [batch], lr: 0.01)
            let norms = ModelFactory.weightLayers(model).map { squaredNorm($0.tensor.grad).squareRoot() }
            let factor = try XCTUnwrap(ModelFactory.vanishingFactor(gradientNorms: norms))
            XCTAssertLessThan(factor, 1e-3, "the setup must vanish for this test to mean anything")
            XCTAssertEqual(d.warningsIssued.count, s >= 3 ? 1 : 0, "step \(s)")
        }
        let warning = try XCTUnwrap(d.warningsIssued.first)
        XCTAssertTrue(warning.hasPrefix("gradients vanish: at step 3"), warning)
        XCTAssertTrue(warning.contains("model.0.weight"), "names the layer with the smallest gradient: \(warning)")
        for remedy in ["--activation relu", "--residual", "--batch-norm", "--init kaiming-normal", "--lr"] {
            XCTAssertTrue(warning.contains(remedy), "\(remedy) missing from: \(warning)")
        }
        let verdict = try XCTUnwrap(d.summaryLines().last)
        XCTAssertTrue(verdict.hasPrefix("Verdict: gradients vanish"), verdict)
    }
}
