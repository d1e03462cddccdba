import Autograd
import NN
import XCTest

/// The initialization schemes' distributions, measured on large layers: a Linear(512, 1024)
/// (524,288 weights, fan_in 512, fan_out 1024) and a Conv1d(64, 128, k=3) (24,576 weights,
/// fan_in 192, fan_out 384). Fan-in and fan-out differ by 2× in both, so a scheme that used
/// the wrong one would be off by 2× in variance, dozens of standard errors.
final class InitializerTests: XCTestCase {
    private typealias D = DistributionAssertions

    private func initialized<M: Module>(_ layer: M, _ scheme: Initializer, bias: BiasInitializer? = nil,
                                        seed: UInt64 = 42) -> M {
        var generator = RandomGenerator(seed: seed)
        scheme.apply(to: layer, biasInit: bias, generator: &generator)
        return layer
    }

    private func linear(_ scheme: Initializer, bias: BiasInitializer? = nil) throws -> (Tensor, Tensor) {
        let l = initialized(Linear(512, 1024), scheme, bias: bias)
        return (l.weight, try XCTUnwrap(l.bias))
    }

    private func conv(_ scheme: Initializer, bias: BiasInitializer? = nil) throws -> (Tensor, Tensor) {
        let c = initialized(Conv1d(64, 128, kernelSize: 3), scheme, bias: bias)
        return (c.weight, try XCTUnwrap(c.bias))
    }

    // MARK: - Fans and gains

    func testFansFollowPyTorch() {
        XCTAssertTrue(Initializer.fans([1024, 512]) == (512, 1024))
        XCTAssertTrue(Initializer.fans([128, 64, 3]) == (192, 384))
        XCTAssertTrue(Initializer.fans([8, 4, 1]) == (4, 8))
    }

    func testGainsMatchCalculateGain() throws {
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "linear")), 1)
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "sigmoid")), 1)
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "relu")), Float(2).squareRoot(), accuracy: 1e-7)
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "tanh")), 5.0 / 3, accuracy: 1e-7)
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "selu")), 0.75)
        // PyTorch's leaky_relu default slope is 0.01.
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "leaky_relu")), (2 / 1.0001 as Float).squareRoot(),
                       accuracy: 1e-7)
        XCTAssertEqual(try XCTUnwrap(Initializer.gain(for: "leaky_relu", negativeSlope: 0.2)),
                       (2 / 1.04 as Float).squareRoot(), accuracy: 1e-7)
        XCTAssertNil(Initializer.gain(for: "softmax"))
    }

    func testNamesRoundTrip() throws {
        for name in Initializer.allNames {
            XCTAssertEqual(try XCTUnwrap(Initializer(name: name), name).name, name)
        }
        XCTAssertEqual(Initializer(name: "kaiming-normal", mode: .fanOut, gain: 1),
                       .kaimingNormal(mode: .fanOut, gain: 1))
        XCTAssertEqual(Initializer(name: "kaiming-uniform"), .kaimingUniform(mode: .fanIn, gain: Float(2).squareRoot()))
        XCTAssertNil(Initializer(name: "he"))
    }

    // MARK: - PyTorch's default: U(±1/√fan_in) for weights and biases

    func testTorchDefaultLinear() throws {
        let (w, b) = try linear(.torchDefault)
        let bound = 1 / Float(512).squareRoot()
        D.assertUniform(w.scalars, bound: bound, "weight")
        // 1,024 biases: bounds and spread only loosely pin the variance (5 SE ≈ 14%).
        D.assertUniform(b.scalars, bound: bound, "bias")
    }

    func testTorchDefaultConv1d() throws {
        let (w, b) = try conv(.torchDefault)
        let bound = 1 / Float(192).squareRoot()
        D.assertUniform(w.scalars, bound: bound, "weight")
        // 128 biases: too few for the moment checks, but enough to see the range.
        let biases = b.scalars
        XCTAssertTrue(biases.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(biases.map(abs).max() ?? 0, 0.8 * bound)
    }

    /// The seed calls the default "Kaiming"; it is √6 narrower than He's kaiming_uniform(relu).
    func testTorchDefaultIsNarrowerThanKaiming() throws {
        let (defaultWeight, _) = try linear(.torchDefault)
        let (heWeight, _) = try linear(.kaimingUniform(mode: .fanIn, gain: Float(2).squareRoot()))
        let ratio = D.moments(heWeight.scalars).meanSquare / D.moments(defaultWeight.scalars).meanSquare
        XCTAssertEqual(ratio, 6, accuracy: 0.1)
    }

    // MARK: - Kaiming

    func testKaimingNormalFanIn() throws {
        let (w, b) = try linear(.kaimingNormal(mode: .fanIn, gain: Float(2).squareRoot()))
        D.assertNormal(w.scalars, std: Float(2).squareRoot() / Float(512).squareRoot(), "weight")
        XCTAssertTrue(b.scalars.allSatisfy { $0 == 0 }, "Kaiming biases start at zero")
    }

    func testKaimingNormalFanOut() throws {
        let (w, _) = try linear(.kaimingNormal(mode: .fanOut, gain: Float(2).squareRoot()))
        D.assertNormal(w.scalars, std: Float(2).squareRoot() / Float(1024).squareRoot(), "weight")
        let (cw, cb) = try conv(.kaimingNormal(mode: .fanOut, gain: Float(2).squareRoot()))
        D.assertNormal(cw.scalars, std: Float(2).squareRoot() / Float(384).squareRoot(), "conv weight")
        XCTAssertTrue(cb.scalars.allSatisfy { $0 == 0 })
    }

    func testKaimingNormalConvWithTanhGain() throws {
        let gain = try XCTUnwrap(Initializer.gain(for: "tanh"))
        let (w, _) = try conv(.kaimingNormal(mode: .fanIn, gain: gain))
        D.assertNormal(w.scalars, std: gain / Float(192).squareRoot(), "weight")
    }

    func testKaimingUniform() throws {
        let (w, b) = try linear(.kaimingUniform(mode: .fanIn, gain: Float(2).squareRoot()))
        D.assertUniform(w.scalars, bound: Float(2).squareRoot() * (3 / Float(512)).squareRoot(), "fan_in")
        XCTAssertTrue(b.scalars.allSatisfy { $0 == 0 })
        let leaky = try XCTUnwrap(Initializer.gain(for: "leaky_relu", negativeSlope: 0.2))
        let (cw, _) = try conv(.kaimingUniform(mode: .fanOut, gain: leaky))
        D.assertUniform(cw.scalars, bound: leaky * (3 / Float(384)).squareRoot(), "conv fan_out")
    }

    // MARK: - Xavier

    func testXavierNormal() throws {
        let (w, b) = try linear(.xavierNormal(gain: 1))
        D.assertNormal(w.scalars, std: (2 / Float(512 + 1024)).squareRoot(), "weight")
        XCTAssertTrue(b.scalars.allSatisfy { $0 == 0 })
        let (cw, _) = try conv(.xavierNormal(gain: 5.0 / 3))
        D.assertNormal(cw.scalars, std: 5.0 / 3 * (2 / Float(192 + 384)).squareRoot(), "conv weight")
    }

    func testXavierUniform() throws {
        let (w, b) = try linear(.xavierUniform(gain: 1))
        D.assertUniform(w.scalars, bound: (6 / Float(512 + 1024)).squareRoot(), "weight")
        XCTAssertTrue(b.scalars.allSatisfy { $0 == 0 })
        let (cw, _) = try conv(.xavierUniform(gain: 0.75))
        D.assertUniform(cw.scalars, bound: 0.75 * (6 / Float(192 + 384)).squareRoot(), "conv weight")
    }

    // MARK: - Biases

    func testBiasInitializerOverridesTheDefault() throws {
        let (_, uniformBias) = try linear(.kaimingNormal(mode: .fanIn, gain: 1), bias: .torchDefault)
        D.assertUniform(uniformBias.scalars, bound: 1 / Float(512).squareRoot(), "kaiming + torch-default bias")

        let (_, constant) = try conv(.xavierUniform(gain: 1), bias: .constant(0.1))
        XCTAssertTrue(constant.scalars.allSatisfy { $0 == 0.1 })
        let (_, defaultWithConstant) = try linear(.torchDefault, bias: .constant(-0.5))
        XCTAssertTrue(defaultWithConstant.scalars.allSatisfy { $0 == -0.5 })
    }

    // MARK: - Whole models

    /// Every Linear of a model is drawn with its own fan-in; BatchNorm stays at weight 1, bias 0.
    func testApplyInitializesEveryLayerAndLeavesBatchNormAlone() throws {
        let model = initialized(MLP(inputs: 16, width: 256, depth: 3, outputs: 64, activation: .relu, batchNorm: true),
                                .kaimingNormal(mode: .fanIn, gain: Float(2).squareRoot()))
        var linears = 0
        for (name, module) in model.namedModules() {
            if let l = module as? Linear {
                linears += 1
                D.assertNormal(l.weight.scalars, std: (2 / Float(l.inFeatures)).squareRoot(), name)
            } else if let bn = module as? BatchNorm1d {
                XCTAssertTrue(bn.weight.scalars.allSatisfy { $0 == 1 }, name)
                XCTAssertTrue(bn.bias.scalars.allSatisfy { $0 == 0 }, name)
            }
        }
        XCTAssertEqual(linears, 4)
    }

    func testSameSeedGivesIdenticalParameters() {
        func build(seed: UInt64) -> [[Float]] {
            let model = initialized(ResNet1d(inputs: 3, width: 8, depth: 2, outputs: 1), .torchDefault, seed: seed)
            return model.parameters.map(\.scalars)
        }
        XCTAssertEqual(build(seed: 7), build(seed: 7))
        XCTAssertNotEqual(build(seed: 7), build(seed: 8))
    }

    /// Layers draw from one generator in state-dict order (weight, then bias, layer by layer),
    /// so a model's parameters are a fixed function of the seed and architecture.
    func testDrawOrderIsStateDictOrder() {
        let model = initialized(MLP(inputs: 3, width: 4, depth: 2, outputs: 2, activation: .tanh), .torchDefault)
        var generator = RandomGenerator(seed: 42)
        var expected: [[Float]] = []
        for (fanIn, outputs) in [(3, 4), (4, 4), (4, 2)] {
            let bound = 1 / Float(fanIn).squareRoot()
            expected.append((0..<(outputs * fanIn)).map { _ in generator.uniform(-bound, bound) })
            expected.append((0..<outputs).map { _ in generator.uniform(-bound, bound) })
        }
        XCTAssertEqual(model.parameters.map(\.scalars), expected)
    }
}
