import Autograd
import NN
import XCTest

/// The Conv1d ResNet classifier: PyTorch's state-dict names, the output shape, and the
/// channel-major path against the layer-by-layer one.
final class ResNet1dClassifierTests: XCTestCase {
    func testStateDictNamesFollowPyTorch() {
        let model = ResNet1dClassifier(inputs: 1, width: 4, depth: 2, classes: 3)
        XCTAssertEqual(model.stateDict().map(\.name), [
            "conv_in.weight", "conv_in.bias",
            "blocks.0.conv1.weight", "blocks.0.conv1.bias", "blocks.0.conv2.weight", "blocks.0.conv2.bias",
            "blocks.1.conv1.weight", "blocks.1.conv1.bias", "blocks.1.conv2.weight", "blocks.1.conv2.bias",
            "fc.weight", "fc.bias",
        ])
        XCTAssertEqual(model.fc.weight.shape, [3, 4])
    }

    func testBatchNormNamesFollowPyTorch() {
        let model = ResNet1dClassifier(inputs: 2, width: 4, depth: 1, classes: 3, batchNorm: true, residual: false)
        XCTAssertEqual(model.stateDict().map(\.name), [
            "conv_in.weight", "conv_in.bias",
            "blocks.0.conv1.weight", "blocks.0.conv1.bias",
            "blocks.0.bn1.weight", "blocks.0.bn1.bias", "blocks.0.bn1.running_mean", "blocks.0.bn1.running_var",
            "blocks.0.bn1.num_batches_tracked",
            "blocks.0.conv2.weight", "blocks.0.conv2.bias",
            "blocks.0.bn2.weight", "blocks.0.bn2.bias", "blocks.0.bn2.running_mean", "blocks.0.bn2.running_var",
            "blocks.0.bn2.num_batches_tracked",
            "fc.weight", "fc.bias",
        ])
    }

    /// Logits and parameter gradients of one forward/backward on a fixed batch.
    private func run(_ model: Module, input: [Int]) -> (output: Tensor, gradients: [[Float]]) {
        var g = RandomGenerator(seed: 3)
        let x = Tensor.randomNormal(input, generator: &g)
        model.zeroGrad()
        let y = model(x)
        y.backward(gradient: Tensor.randomNormal(y.shape, generator: &g))
        return (y, model.parameters.map { $0.grad?.scalars ?? [] })
    }

    func testChannelMajorPathMatchesTheLayerByLayerPath() {
        let model = ResNet1dClassifier(inputs: 3, width: 6, depth: 2, classes: 4)
        var g = RandomGenerator(seed: 1)
        Initializer.torchDefault.apply(to: model, generator: &g)
        let fast = run(model, input: [5, 3, 7])
        XCTAssertEqual(fast.output.shape, [5, 4])
        var calls = 0
        for case let block as ResidualBlock in model.blocks.layers {
            block.activation.forwardHook = { _, _ in calls += 1 }
        }
        let reference = run(model, input: [5, 3, 7])
        XCTAssertEqual(calls, 2, "the hooked path ran")
        assertClose(fast.output.scalars, reference.output.scalars, relative: 1e-5, absolute: 1e-5, "logits")
        for (i, (a, b)) in zip(fast.gradients, reference.gradients).enumerated() {
            XCTAssertFalse(a.isEmpty, "parameter \(i) got no gradient")
            assertClose(a, b, relative: 1e-4, absolute: 1e-5, "gradient of parameter \(i)")
        }
    }

    func testBatchNormClassifierGivesOneRowOfLogitsPerSample() {
        let model = ResNet1dClassifier(inputs: 1, width: 4, depth: 2, classes: 3, batchNorm: true)
        var g = RandomGenerator(seed: 4)
        Initializer.torchDefault.apply(to: model, generator: &g)
        let result = run(model, input: [5, 1, 8])
        XCTAssertEqual(result.output.shape, [5, 3])
        XCTAssertTrue(result.gradients.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isFinite) })
    }
}
