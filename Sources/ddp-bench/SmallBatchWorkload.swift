import ArgumentParser
import Autograd
import Dispatch
import NN

/// The small-batch networks, where a step's fixed costs outweigh its products. Names, shapes,
/// losses and optimizers match `scripts/bench_pytorch.py --small-batch`.
enum SmallBatchKind: String, CaseIterable, ExpressibleByArgument {
    /// 32 → 8 sigmoid layers of 128 → 10 classes, cross-entropy, SGD lr 0.01 momentum 0.9.
    case mlp = "sigmoid_mlp"
    /// The `teacher-classification` preset's network: 10 → 4 ReLU layers of 64 → 4 classes,
    /// Kaiming normal init, cross-entropy, Adam lr 1e-3.
    case teacherMLP = "teacher_mlp"
    /// The seed's Conv1d ResNet: 3 channels → 10 blocks of 64 channels, length 10, MSE, Adam 1e-3.
    case resnet1d = "resnet1d"

    var summary: String {
        switch self {
        case .mlp: "MLP 32-8x128 sigmoid-10, CE, SGD m0.9"
        case .teacherMLP: "teacher MLP 10-4x64 ReLU-4, CE, Adam"
        case .resnet1d: "ResNet1d 10 blocks x64 ch, L10, MSE, Adam"
        }
    }

    /// Samples in the fixed random dataset the batches are drawn from.
    static let datasetSamples = 4096

    func make(batch: Int, seed: UInt64) -> SmallBatchWorkload {
        var generator = RandomGenerator(seed: seed)
        let model: Module, inputShape: [Int], classes: Int?
        switch self {
        case .mlp:
            model = MLP(inputs: 32, width: 128, depth: 8, outputs: 10, activation: .sigmoid)
            inputShape = [32]; classes = 10
        case .teacherMLP:
            model = MLP(inputs: 10, width: 64, depth: 4, outputs: 4, activation: .relu)
            inputShape = [10]; classes = 4
        case .resnet1d:
            model = ResNet1d(inputs: 3, width: 64, depth: 10, outputs: 1)
            inputShape = [3, 10]; classes = nil
        }
        let initializer: Initializer = self == .teacherMLP ? .kaimingNormal() : .torchDefault
        initializer.apply(to: model, generator: &generator)
        let n = Self.datasetSamples
        let inputs = Tensor.randomNormal([n] + inputShape, generator: &generator)
        let labels = (0..<n).map { $0 % (classes ?? 1) }
        let targets = classes == nil ? Tensor.randomNormal([n, 1, 10], generator: &generator) : nil
        let optimizer: Optimizer = self == .mlp
            ? SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
            : Adam(parameters: model.parameters, learningRate: 1e-3)
        var order = Array(0..<n)
        order.shuffle(using: &generator)
        return SmallBatchWorkload(kind: self, batch: batch, model: model, inputs: inputs, labels: labels,
                                  targets: targets, optimizer: optimizer, order: order)
    }
}

/// A model, its dataset and optimizer; each step takes the next `batch` samples of a shuffled
/// order, as a training loop without a data loader does.
final class SmallBatchWorkload {
    let kind: SmallBatchKind
    let batch: Int
    let model: Module
    let inputs: Tensor
    let labels: [Int]
    let targets: Tensor?
    let optimizer: Optimizer
    let order: [Int]
    private var cursor = 0
    /// Wall seconds of each step's optimizer update, in step order.
    private(set) var optimizerSeconds: [Double] = []

    init(kind: SmallBatchKind, batch: Int, model: Module, inputs: Tensor, labels: [Int], targets: Tensor?,
         optimizer: Optimizer, order: [Int]) {
        self.kind = kind; self.batch = batch; self.model = model; self.inputs = inputs; self.labels = labels
        self.targets = targets; self.optimizer = optimizer; self.order = order
    }

    /// One step: gather the batch, zero the gradients, forward, loss, backward, optimizer step.
    func step() {
        if cursor + batch > order.count { cursor = 0 }
        let indices = Array(order[cursor..<(cursor + batch)])
        cursor += batch
        optimizer.zeroGrad()
        let output = model(inputs.gatherRows(indices))
        let loss: Tensor
        if let targets {
            loss = mseLoss(output, targets.gatherRows(indices))
        } else {
            loss = crossEntropyLoss(output, labels: indices.map { labels[$0] })
        }
        loss.backward()
        // Wall clock only: the thread's CPU clock (StepClock) is a system call, which the timed
        // step would pay twice.
        let start = DispatchTime.now().uptimeNanoseconds
        optimizer.step()
        optimizerSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
