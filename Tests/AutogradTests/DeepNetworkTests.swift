import Foundation
import XCTest
@testable import Autograd

/// Depth must not exhaust the stack: not in forward, not in backward, and not when the graph is
/// released. The tests run on a thread with a 512 KiB stack, the size of a secondary thread's
/// stack on Darwin, so that a recursion proportional to depth fails here rather than in the
/// field (the 8 MiB main thread would hide it up to about 20,000 ops).
final class DeepNetworkTests: XCTestCase {
    /// Carries results out of the thread; the expectation's wait orders the accesses.
    final class Results: @unchecked Sendable {
        var loss: Float = .nan
        var gradients: [[Float]] = []
        var readyCount = 0
    }

    /// Runs `body` on a thread with a 512 KiB stack and waits for it.
    private func onSmallStack(_ body: @escaping @Sendable () -> Void) {
        let finished = expectation(description: "thread finished")
        let thread = Thread {
            body()
            finished.fulfill()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        wait(for: [finished], timeout: 600)
    }

    func testThousandLayerNetworkRunsForwardAndBackward() {
        let depth = 1000
        let results = Results()
        onSmallStack {
            var generator = RandomGenerator(seed: 7)
            // N(0, 0.5²) weights give a gain of 8·0.25 = 2 per layer, which tanh caps: the
            // activations stay of order 1 over 1,000 layers instead of decaying to 0.
            let weights = (0..<depth).map { _ in
                Tensor.randomNormal([8, 8], std: 0.5, generator: &generator, requiresGrad: true)
            }
            let biases = (0..<depth).map { _ in Tensor.zeros([8], requiresGrad: true) }
            for w in weights { w.gradientReadyHook = { _ in results.readyCount += 1 } }
            do {
                var h = Tensor.randomNormal([4, 8], generator: &generator)
                for i in 0..<depth { h = linear(h, weight: weights[i], bias: biases[i]).tanh() }
                let loss = mseLoss(h, Tensor.ones([4, 8]))
                results.loss = loss.item()
                loss.backward()
                // The 2,000-op graph is released here, at the end of the scope.
            }
            results.gradients = weights.map { $0.grad?.scalars ?? [] }
        }
        XCTAssertTrue(results.loss.isFinite)
        XCTAssertEqual(results.readyCount, depth, "every weight's hook fired once")
        XCTAssertEqual(results.gradients.count, depth)
        for (i, g) in results.gradients.enumerated() {
            XCTAssertEqual(g.count, 64, "layer \(i) has a gradient")
            XCTAssertTrue(g.allSatisfy(\.isFinite), "layer \(i)")
        }
        XCTAssertGreaterThan(results.gradients.last?.map(abs).max() ?? 0, 0, "the last layer's gradient is non-zero")
    }

    func testTwentyThousandOpChain() {
        // Ten times deeper than the network above, in cheap ops.
        let depth = 20_000
        let results = Results()
        onSmallStack {
            let x = Tensor([0.5], requiresGrad: true)
            do {
                var h = x
                for _ in 0..<depth { h = h * 1.0001 }
                h.sum().backward()
            }
            results.gradients = [x.grad?.scalars ?? []]
        }
        let expected = Foundation.pow(1.0001, Double(depth))
        XCTAssertEqual(Double(results.gradients.first?.first ?? .nan), expected, accuracy: expected * 1e-3)
    }

    func testDeepGraphWithBranchesAtEveryLevel() {
        // Each level reads the previous one twice through two ops: 15,000 ops whose release
        // has to wait for both branches before a level can go.
        let depth = 5_000
        let results = Results()
        onSmallStack {
            let x = Tensor([1], requiresGrad: true)
            do {
                var h = x
                for _ in 0..<depth { h = h * 0.25 + h * 0.75 }
                h.sum().backward()
            }
            results.gradients = [x.grad?.scalars ?? []]
        }
        XCTAssertEqual(results.gradients.first?.first ?? .nan, 1, accuracy: 1e-3)
    }

    func testGraphStillReachableFromAnOutputSurvivesTheRelease() throws {
        // Dismantling must only take apart what nothing else holds: an intermediate kept by the
        // caller still backpropagates after the final output is gone.
        let x = Tensor([2], requiresGrad: true)
        let h = x * x
        do {
            let y = h * 3
            XCTAssertEqual(y.item(), 12)
        }
        let fn = try XCTUnwrap(h.gradFn)
        XCTAssertEqual(fn.inputs.count, 2)
        h.backward()
        XCTAssertEqual(x.grad?.item(), 4)
    }

    func testAGradFunctionHeldByTheCallerKeepsItsInputs() throws {
        let x = Tensor([2], requiresGrad: true)
        var fn: GradFunction?
        do {
            let y = (x * x).exp()
            fn = y.gradFn
        }
        let held = try XCTUnwrap(fn)
        XCTAssertEqual(held.name, "exp")
        XCTAssertEqual(held.inputs.count, 1)
        XCTAssertEqual(held.inputs.first?.gradFn?.inputs.count, 2, "the graph below a held op is intact")
    }
}
