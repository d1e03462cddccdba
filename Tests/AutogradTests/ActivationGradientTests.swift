import XCTest
@testable import Autograd

/// Finite-difference checks of the activations, softmax and log-softmax.
final class ActivationGradientTests: XCTestCase {
    let checker = GradientChecker()

    /// 19 elements: two SIMD8 blocks and a tail of 3, so the vector kernels' tail code runs.
    let shape = [19]

    func testSigmoid() {
        let x = TestData.uniform(shape, seed: 1, low: -3, high: 3)
        checker.check([x]) { x.sigmoid() }
    }

    func testTanh() {
        let x = TestData.uniform(shape, seed: 2, low: -2, high: 2)
        checker.check([x]) { x.tanh() }
    }

    func testRelu() {
        // Inputs at least 0.1 from the kink, ten times the step.
        let x = TestData.awayFromZero(shape, seed: 3)
        checker.check([x]) { x.relu() }
    }

    func testLeakyRelu() {
        // A large slope, so that a wrong slope on the negative side is visible above the floor.
        let x = TestData.awayFromZero(shape, seed: 4)
        checker.check([x]) { x.leakyRelu(slope: 0.2) }
        checker.check([x]) { x.leakyRelu() * 10 }
    }

    func testElu() {
        let x = TestData.awayFromZero(shape, seed: 5)
        checker.check([x]) { x.elu() }
        checker.check([x]) { x.elu(alpha: 0.5) }
    }

    func testGelu() {
        let x = TestData.uniform(shape, seed: 6, low: -3, high: 3)
        checker.check([x]) { x.gelu() }
    }

    func testActivationOfAnActivation() {
        // Exercises backward through stacked elementwise kernels, with accumulation into the
        // same input from two branches.
        let x = TestData.uniform([3, 5], seed: 7, low: -2, high: 2)
        checker.check([x]) { x.sigmoid().tanh() + x.gelu() }
    }

    func testSoftmax() {
        let x = TestData.uniform([4, 5], seed: 8, low: -2, high: 2)
        checker.check([x]) { x.softmax() }
        let y = TestData.uniform([2, 3, 4], seed: 9, low: -2, high: 2)
        checker.check([y]) { y.softmax() }
    }

    func testLogSoftmax() {
        let x = TestData.uniform([4, 5], seed: 10, low: -2, high: 2)
        checker.check([x]) { x.logSoftmax() }
        let y = TestData.uniform([6], seed: 11, low: -2, high: 2)
        checker.check([y]) { y.logSoftmax() }
    }
}
