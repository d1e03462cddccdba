import Autograd
import NN
import XCTest

/// State-dict names, their order and parameter counts, checked against what PyTorch gives for
/// the seed's networks (`scripts/seed_models.py`), so that `state_dict()` files map one to one;
/// and the module tree's behaviour: train/eval propagation, hooks, shapes.
final class ModuleTests: XCTestCase {
    /// The seed's Example 1 network: DeepNet(10, 128, num_layers=10, 1).
    private func seedMLP(batchNorm: Bool = false, residual: Bool = false) -> MLP {
        MLP(inputs: 10, width: 128, depth: 10, outputs: 1, activation: .sigmoid, batchNorm: batchNorm, residual: residual)
    }

    // MARK: - MLP

    func testSeedMLPNamesMatchPyTorchDeepNet() {
        let model = seedMLP()
        let names = model.stateDict().map(\.name)
        // PyTorch: Sequential(Linear, Sigmoid, …, Linear): Linears at even indices 0…20.
        let expected = stride(from: 0, through: 20, by: 2).flatMap { ["model.\($0).weight", "model.\($0).bias"] }
        XCTAssertEqual(names, expected)
        XCTAssertEqual(names.first, "model.0.weight")
        XCTAssertEqual(names.last, "model.20.bias")
        XCTAssertEqual(model.namedParameters().map(\.name), expected)
        XCTAssertTrue(model.namedBuffers().isEmpty)
    }

    func testSeedMLPShapesAndCount() {
        let model = seedMLP()
        let shapes = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.shape) })
        XCTAssertEqual(shapes["model.0.weight"], [128, 10])
        XCTAssertEqual(shapes["model.0.bias"], [128])
        XCTAssertEqual(shapes["model.10.weight"], [128, 128])
        XCTAssertEqual(shapes["model.20.weight"], [1, 128])
        XCTAssertEqual(shapes["model.20.bias"], [1])
        // sum(p.numel() for p in DeepNet(10, 128, 10, 1).parameters())
        XCTAssertEqual(model.parameterCount, 150_145)
        XCTAssertTrue(model.parameters.allSatisfy(\.requiresGrad))
    }

    /// With BatchNorm1d after each hidden Linear, PyTorch's state_dict lists each module's
    /// parameters, then its buffers (running_mean, running_var, num_batches_tracked).
    func testBatchNormMLPNamesFollowStateDictOrder() {
        let model = seedMLP(batchNorm: true)
        var expected: [String] = []
        for layer in 0..<10 {
            let linear = 3 * layer, bn = 3 * layer + 1
            expected += ["model.\(linear).weight", "model.\(linear).bias"]
            expected += ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"].map { "model.\(bn).\($0)" }
        }
        expected += ["model.30.weight", "model.30.bias"]
        XCTAssertEqual(model.stateDict().map(\.name), expected)

        let buffers = model.namedBuffers()
        XCTAssertEqual(buffers.count, 30)
        XCTAssertEqual(buffers.prefix(3).map(\.name), ["model.1.running_mean", "model.1.running_var", "model.1.num_batches_tracked"])
        XCTAssertTrue(buffers.allSatisfy { !$0.tensor.requiresGrad })
        XCTAssertEqual(buffers[2].tensor.shape, [], "num_batches_tracked is a scalar")
        XCTAssertFalse(model.namedParameters().contains { $0.name.hasSuffix("running_mean") })
        // Ten BatchNorm1d(128) layers add weight and bias: 10 · 2 · 128.
        XCTAssertEqual(model.parameterCount, 150_145 + 2_560)
    }

    /// Residual hidden layers sit in `Residual(body: Sequential(Linear, act))`.
    func testResidualMLPNames() {
        let model = seedMLP(residual: true)
        var expected = ["model.0.weight", "model.0.bias"]
        for index in 2...10 { expected += ["model.\(index).body.0.weight", "model.\(index).body.0.bias"] }
        expected += ["model.11.weight", "model.11.bias"]
        XCTAssertEqual(model.stateDict().map(\.name), expected)
        XCTAssertEqual(model.parameterCount, 150_145, "skips add no parameters")
    }

    func testMLPForwardShape() {
        let model = seedMLP()
        XCTAssertEqual(model(Tensor.zeros([5, 10])).shape, [5, 1])
        XCTAssertEqual(seedMLP(batchNorm: true)(Tensor.ones([4, 10])).shape, [4, 1])
    }

    // MARK: - ResNet1d

    /// The seed's Example 2 network: ResNet(3, 64, num_blocks=10, 1). Every block maps 64 → 64
    /// channels, so its shortcut is Identity and has no parameters.
    func testSeedResNetNamesMatchPyTorch() {
        let model = ResNet1d(inputs: 3, width: 64, depth: 10, outputs: 1)
        var expected = ["conv_in.weight", "conv_in.bias"]
        for block in 0..<10 {
            expected += ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"].map { "blocks.\(block).\($0)" }
        }
        expected += ["conv_out.weight", "conv_out.bias"]
        XCTAssertEqual(model.stateDict().map(\.name), expected)
        XCTAssertFalse(model.stateDict().contains { $0.name.contains("shortcut") })

        let shapes = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.shape) })
        XCTAssertEqual(shapes["conv_in.weight"], [64, 3, 1])
        XCTAssertEqual(shapes["blocks.0.conv1.weight"], [64, 64, 3])
        XCTAssertEqual(shapes["blocks.9.conv2.bias"], [64])
        XCTAssertEqual(shapes["conv_out.weight"], [1, 64, 1])
        // sum(p.numel() for p in ResNet(3, 64, 10, 1).parameters())
        XCTAssertEqual(model.parameterCount, 247_361)
    }

    /// A block that changes the channel count gets a 1×1 conv shortcut, after conv2 as in the seed.
    func testResidualBlockShortcutOnlyWhenChannelsDiffer() {
        let widening = ResidualBlock(4, 8)
        XCTAssertEqual(widening.stateDict().map(\.name),
                       ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "shortcut.weight", "shortcut.bias"])
        XCTAssertEqual(widening.stateDict()[4].tensor.shape, [8, 4, 1])
        XCTAssertEqual(ResidualBlock(8, 8).stateDict().map(\.name),
                       ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"])
        XCTAssertNil(ResidualBlock(4, 8, residual: false).shortcut)
        XCTAssertEqual(ResidualBlock(4, 8, residual: false).stateDict().count, 4)
    }

    func testResNetWithBatchNormNames() {
        let block = ResNet1d(inputs: 3, width: 8, depth: 1, outputs: 2, batchNorm: true)
        let names = block.stateDict().map(\.name).filter { $0.hasPrefix("blocks.0.") }
        let bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
        XCTAssertEqual(names, ["blocks.0.conv1.weight", "blocks.0.conv1.bias"] + bn.map { "blocks.0.bn1.\($0)" }
            + ["blocks.0.conv2.weight", "blocks.0.conv2.bias"] + bn.map { "blocks.0.bn2.\($0)" })
    }

    func testResNetForwardShape() {
        let model = ResNet1d(inputs: 3, width: 8, depth: 2, outputs: 2)
        XCTAssertEqual(model(Tensor.zeros([4, 3, 11])).shape, [4, 2, 11])
        XCTAssertEqual(ResidualBlock(3, 5)(Tensor.zeros([2, 3, 7])).shape, [2, 5, 7])
    }

    // MARK: - Module tree behaviour

    func testTrainAndEvalReachEveryModule() {
        let model = ResNet1d(inputs: 3, width: 8, depth: 2, outputs: 1, batchNorm: true)
        let modules = model.namedModules()
        XCTAssertEqual(modules.first?.name, "")
        XCTAssertTrue(modules.contains { $0.name == "blocks.1.bn2" })
        XCTAssertTrue(modules.allSatisfy { $0.module.isTraining }, "modules start in training mode")
        model.eval()
        XCTAssertTrue(modules.allSatisfy { !$0.module.isTraining })
        model.train()
        XCTAssertTrue(modules.allSatisfy { $0.module.isTraining })
        model.train(false)
        XCTAssertTrue(modules.allSatisfy { !$0.module.isTraining })
    }

    func testForwardHookSeesEachCallAndItsOutput() throws {
        let model = MLP(inputs: 3, width: 5, depth: 2, outputs: 2, activation: .relu)
        let firstLinear = try XCTUnwrap(model.model.layers.first as? Linear)
        var seen: [(ObjectIdentifier, [Int])] = []
        firstLinear.forwardHook = { module, output in seen.append((ObjectIdentifier(module), output.shape)) }
        var rootOutputs: [[Float]] = []
        model.forwardHook = { _, output in rootOutputs.append(output.scalars) }

        let y = model(Tensor.ones([4, 3]))
        _ = model(Tensor.ones([6, 3]))

        XCTAssertEqual(seen.map(\.0), [ObjectIdentifier(firstLinear), ObjectIdentifier(firstLinear)])
        XCTAssertEqual(seen.map(\.1), [[4, 5], [6, 5]])
        XCTAssertEqual(rootOutputs.first, y.scalars, "the hook receives the very output returned")
        XCTAssertEqual(rootOutputs.count, 2)
    }

    func testZeroGradKeepsGradientStorage() throws {
        let model = MLP(inputs: 2, width: 3, depth: 1, outputs: 1, activation: .tanh)
        var generator = RandomGenerator(seed: 1)
        Initializer.torchDefault.apply(to: model, generator: &generator)
        model(Tensor([1, -1, 0.5, 2], shape: [2, 2])).sum().backward()
        let grads = try model.parameters.map { try XCTUnwrap($0.grad) }
        XCTAssertTrue(grads.contains { $0.scalars.contains { $0 != 0 } })
        model.zeroGrad()
        for (p, g) in zip(model.parameters, grads) {
            XCTAssertTrue(p.grad === g, "zeroGrad must not reallocate: data-parallel buckets hold views")
            XCTAssertTrue(g.scalars.allSatisfy { $0 == 0 })
        }
    }

    func testSummaries() {
        XCTAssertEqual(Linear(10, 128).summary, "Linear(10, 128)")
        XCTAssertEqual(BatchNorm1d(16).summary, "BatchNorm1d(16)")
        XCTAssertEqual(Activation(.leakyRelu(slope: 0.1)).summary, "leaky-relu")
        XCTAssertEqual(Linear(3, 2, bias: false).stateDict().map(\.name), ["weight"])
        XCTAssertEqual(ActivationKind(name: "elu"), .elu(alpha: 1))
        XCTAssertNil(ActivationKind(name: "swish"))
        XCTAssertEqual(ActivationKind.allNames.compactMap(ActivationKind.init(name:)).map(\.name), ActivationKind.allNames)
    }
}
