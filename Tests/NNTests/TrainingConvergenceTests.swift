import Autograd
import Foundation
import NN
import XCTest

/// Small end-to-end runs: initializer, modules, autograd, loss and optimizer together must
/// actually learn. Each run is full-batch and seeded, so it is deterministic; the thresholds
/// sit several times above what the runs reach, and far below where they start, so that a
/// broken piece (a wrong sign, a missing gradient, a stale BatchNorm statistic) fails them.
final class TrainingConvergenceTests: XCTestCase {
    /// Runs `steps` optimizer steps on `loss` and returns the loss before each step.
    private func train(_ model: Module, _ optimizer: Optimizer, steps: Int, loss: () -> Tensor) -> [Float] {
        var history: [Float] = []
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let l = loss()
            history.append(l.item())
            l.backward()
            optimizer.step()
        }
        return history
    }

    private func initialized<M: Module>(_ model: M, seed: UInt64) -> M {
        var generator = RandomGenerator(seed: seed)
        Initializer.torchDefault.apply(to: model, generator: &generator)
        return model
    }

    /// A 2→16→1 tanh MLP fits a smooth surface on a 12×12 grid.
    func testMLPFitsSmoothFunction() {
        var inputs: [Float] = [], targets: [Float] = []
        for i in 0..<12 {
            for j in 0..<12 {
                let u = -1 + 2 * Float(i) / 11, v = -1 + 2 * Float(j) / 11
                inputs += [u, v]
                targets.append(0.5 * Foundation.sin(2 * u) * Foundation.cos(1.5 * v))
            }
        }
        let x = Tensor(inputs, shape: [144, 2]), y = Tensor(targets, shape: [144, 1])
        let model = initialized(MLP(inputs: 2, width: 16, depth: 1, outputs: 1, activation: .tanh), seed: 3)
        let optimizer = Adam(parameters: model.parameters, learningRate: 0.02)

        let losses = train(model, optimizer, steps: 400) { mseLoss(model(x), y) }

        let final = withoutGradients { mseLoss(model(x), y).item() }
        XCTAssertGreaterThan(losses[0], 0.02, "the untrained model must start far from the target")
        XCTAssertLessThan(final, 1e-3)
        XCTAssertLessThan(final, losses[0] / 50)
    }

    /// XOR of the signs of two coordinates: not linearly separable, so the hidden layer must
    /// learn; accuracy is measured on held-out points.
    func testClassifierLearnsXORWithCrossEntropy() {
        func sample(_ count: Int, seed: UInt64) -> (Tensor, [Int]) {
            var generator = RandomGenerator(seed: seed)
            var points: [Float] = [], labels: [Int] = []
            while labels.count < count {
                let u = generator.uniform(-1, 1), v = generator.uniform(-1, 1)
                // A margin around the axes keeps the classes separable by a clear gap.
                guard abs(u) > 0.1 && abs(v) > 0.1 else { continue }
                points += [u, v]
                labels.append((u > 0) != (v > 0) ? 1 : 0)
            }
            return (Tensor(points, shape: [count, 2]), labels)
        }
        func accuracy(_ logits: Tensor, _ labels: [Int]) -> Double {
            let c = logits.shape[1], p = logits.scalars
            let correct = labels.indices.filter { r in
                let row = p[(r * c)..<((r + 1) * c)]
                return row.firstIndex(of: row.max() ?? 0).map { $0 - r * c } == labels[r]
            }.count
            return Double(correct) / Double(labels.count)
        }
        let (x, labels) = sample(256, seed: 11)
        let (testX, testLabels) = sample(512, seed: 12)
        XCTAssertEqual(Double(labels.filter { $0 == 1 }.count) / 256, 0.5, accuracy: 0.1, "balanced classes")

        let model = initialized(MLP(inputs: 2, width: 16, depth: 1, outputs: 2, activation: .relu), seed: 5)
        let optimizer = Adam(parameters: model.parameters, learningRate: 0.02)
        let losses = train(model, optimizer, steps: 300) { crossEntropyLoss(model(x), labels: labels) }

        XCTAssertEqual(losses[0], Foundation.log(2), accuracy: 0.2, "an untrained classifier is near chance")
        XCTAssertLessThan(losses.last ?? .infinity, 0.15)
        withoutGradients {
            XCTAssertGreaterThanOrEqual(accuracy(model(x), labels), 0.98, "training accuracy")
            XCTAssertGreaterThanOrEqual(accuracy(model(testX), testLabels), 0.95, "held-out accuracy")
        }
    }

    /// A ResNet1d with BatchNorm learns a 3-tap moving average with SGD and momentum; in eval
    /// mode, using the running statistics it accumulated, it predicts about as well.
    func testResNetWithBatchNormLearnsConvolution() {
        var generator = RandomGenerator(seed: 21)
        let n = 16, length = 16
        let x = Tensor.randomNormal([n, 1, length], generator: &generator)
        var targets = [Float](repeating: 0, count: n * length)
        let px = x.scalars
        for b in 0..<n {
            for t in 0..<length {
                // Zero padding at both ends, as the convolutions use.
                let left = t > 0 ? px[b * length + t - 1] : 0, right = t < length - 1 ? px[b * length + t + 1] : 0
                targets[b * length + t] = (left + px[b * length + t] + right) / 3
            }
        }
        let y = Tensor(targets, shape: [n, 1, length])
        let model = initialized(ResNet1d(inputs: 1, width: 8, depth: 2, outputs: 1, batchNorm: true), seed: 8)
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)

        let losses = train(model, optimizer, steps: 300) { mseLoss(model(x), y) }

        let trained = withoutGradients { mseLoss(model(x), y).item() }
        XCTAssertLessThan(trained, 0.01)
        XCTAssertLessThan(trained, losses[0] / 100)
        model.eval()
        let evaluated = withoutGradients { mseLoss(model(x), y).item() }
        XCTAssertLessThan(evaluated, 0.02, "eval mode with running statistics")
    }
}
