import Autograd
import NN
import XCTest

/// ResNet1d and ResidualBlock compute channel-major internally when they can; that must give
/// what calling each layer gives (the path a forward hook forces), outputs and gradients alike.
final class ChannelMajorResNetTests: XCTestCase {
    /// Output and parameter gradients of one forward/backward of `model` on a fixed batch.
    private func run(_ model: Module, input: [Int]) -> (output: [Float], gradients: [[Float]]) {
        var g = RandomGenerator(seed: 3)
        let x = Tensor.randomNormal(input, generator: &g)
        model.zeroGrad()
        let y = model(x)
        let r = Tensor.randomNormal(y.shape, generator: &g)
        y.backward(gradient: r)
        return (y.scalars, model.parameters.map { $0.grad?.scalars ?? [] })
    }

    private func assertSame(_ fast: (output: [Float], gradients: [[Float]]),
                            _ reference: (output: [Float], gradients: [[Float]]), _ label: String) {
        assertClose(fast.output, reference.output, relative: 1e-5, absolute: 1e-5, "output, \(label)")
        XCTAssertEqual(fast.gradients.count, reference.gradients.count)
        for (i, (a, b)) in zip(fast.gradients, reference.gradients).enumerated() {
            XCTAssertFalse(a.isEmpty, "parameter \(i) got no gradient, \(label)")
            assertClose(a, b, relative: 1e-4, absolute: 1e-5, "gradient of parameter \(i), \(label)")
        }
    }

    func testResNetMatchesTheLayerByLayerPath() {
        for (inputs, width) in [(3, 8), (5, 5)] {
            let model = ResNet1d(inputs: inputs, width: width, depth: 3, outputs: 2)
            var g = RandomGenerator(seed: 1)
            Initializer.torchDefault.apply(to: model, generator: &g)
            let fast = run(model, input: [4, inputs, 6])
            // A hook inside each block makes the model call every layer, in [N, C, L].
            var calls = 0
            for case let block as ResidualBlock in model.blocks.layers {
                block.activation.forwardHook = { _, _ in calls += 1 }
            }
            let reference = run(model, input: [4, inputs, 6])
            XCTAssertEqual(calls, 3, "the hooked path ran")
            assertSame(fast, reference, "inputs \(inputs) width \(width)")
        }
    }

    func testBlockWithProjectionShortcutMatchesTheLayerByLayerPath() {
        let block = ResidualBlock(3, 5, activation: .relu)
        var g = RandomGenerator(seed: 2)
        Initializer.torchDefault.apply(to: block, generator: &g)
        let fast = run(block, input: [2, 3, 7])
        var seen: [[Int]] = []
        block.conv1.forwardHook = { _, y in seen.append(y.shape) }
        let reference = run(block, input: [2, 3, 7])
        XCTAssertEqual(seen, [[2, 5, 7]], "hooks see [N, C, L] outputs")
        assertSame(fast, reference, "projection shortcut")
    }

    func testBatchNormBlocksTakeTheLayerByLayerPath() {
        // Not comparable to a channel-major run; this checks only that it trains as before.
        let model = ResNet1d(inputs: 3, width: 4, depth: 2, outputs: 1, batchNorm: true)
        var g = RandomGenerator(seed: 4)
        Initializer.torchDefault.apply(to: model, generator: &g)
        let result = run(model, input: [5, 3, 6])
        XCTAssertEqual(result.output.count, 5 * 1 * 6)
        XCTAssertTrue(result.gradients.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isFinite) })
    }
}
