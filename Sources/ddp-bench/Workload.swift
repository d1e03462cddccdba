import ArgumentParser
import Autograd
import NN

/// One of the networks the benchmarks train, with a fixed random batch.
///
/// The names and shapes match `scripts/bench_pytorch.py`, so the two sets of figures line up
/// row by row.
enum WorkloadKind: String, CaseIterable, ExpressibleByArgument {
    /// Seed Example 1: 10 sigmoid hidden layers of 128, input 10, MSE, SGD.
    case seedMLP = "seed_mlp"
    /// Seed Example 2: Conv1d ResNet, 10 blocks of 64 channels, length 10, MSE, Adam.
    case seedResNet = "seed_resnet"
    /// Seed Example 3: 10–128–1 ReLU, MSE, Adam.
    case seedShallow = "seed_shallow"
    /// A compute-bound MLP: 1024 → 4 × 1024 ReLU → 10, MSE, SGD.
    case wideMLP = "wide_mlp"

    /// What the workload is, in one line.
    var summary: String {
        switch self {
        case .seedMLP: "seed Ex.1 MLP 10-10x128 sigmoid-1, SGD"
        case .seedResNet: "seed Ex.2 ResNet1d 10 blocks x64 ch, L10, Adam"
        case .seedShallow: "seed Ex.3 MLP 10-128-1 ReLU, Adam"
        case .wideMLP: "MLP 1024-4x1024 ReLU-10, SGD"
        }
    }

    /// The batch the engine benchmark and PyTorch's use.
    var engineBatch: Int {
        switch self {
        case .seedMLP, .seedResNet: 100
        case .seedShallow: 16
        case .wideMLP: 256
        }
    }

    /// Multiply-adds per sample in the forward pass of the fully connected layers, Σ in·out:
    /// a training step costs about 6 × batch × this many flops. Nil where that is not the
    /// whole story (the ResNet's convolutions).
    var linearMultiplyAdds: Int? {
        switch self {
        case .seedMLP: 10 * 128 + 9 * 128 * 128 + 128
        case .seedResNet: nil
        case .seedShallow: 10 * 128 + 128
        case .wideMLP: 4 * 1024 * 1024 + 1024 * 10
        }
    }

    /// A freshly initialized model, a random batch of `batch` samples, and its optimizer.
    func make(batch: Int, seed: UInt64) -> Workload {
        var generator = RandomGenerator(seed: seed)
        let model: Module
        let inputShape: [Int], targetShape: [Int]
        switch self {
        case .seedMLP:
            model = MLP(inputs: 10, width: 128, depth: 10, outputs: 1, activation: .sigmoid)
            inputShape = [batch, 10]; targetShape = [batch, 1]
        case .seedResNet:
            model = ResNet1d(inputs: 3, width: 64, depth: 10, outputs: 1)
            inputShape = [batch, 3, 10]; targetShape = [batch, 1, 10]
        case .seedShallow:
            model = MLP(inputs: 10, width: 128, depth: 1, outputs: 1, activation: .relu)
            inputShape = [batch, 10]; targetShape = [batch, 1]
        case .wideMLP:
            model = MLP(inputs: 1024, width: 1024, depth: 4, outputs: 10, activation: .relu)
            inputShape = [batch, 1024]; targetShape = [batch, 10]
        }
        Initializer.torchDefault.apply(to: model, generator: &generator)
        let inputs = Tensor.randomNormal(inputShape, generator: &generator)
        let targets = Tensor.randomNormal(targetShape, generator: &generator)
        let optimizer: Optimizer
        switch self {
        case .seedMLP, .wideMLP: optimizer = SGD(parameters: model.parameters, learningRate: 0.01)
        case .seedResNet: optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
        case .seedShallow: optimizer = Adam(parameters: model.parameters, learningRate: 0.05)
        }
        return Workload(kind: self, model: model, inputs: inputs, targets: targets, optimizer: optimizer)
    }
}

/// A model with its batch and optimizer, ready to take training steps.
struct Workload {
    let kind: WorkloadKind
    let model: Module
    let inputs: Tensor
    let targets: Tensor
    let optimizer: Optimizer

    var batch: Int { inputs.shape[0] }

    /// One training step: zero the gradients, forward, MSE loss, backward, optimizer step.
    func step() {
        optimizer.zeroGrad()
        let loss = mseLoss(model(inputs), targets)
        loss.backward()
        optimizer.step()
    }
}
