import XCTest
@testable import Autograd

/// The per-leaf hook data-parallel training starts its allreduce from.
final class GradientReadyHookTests: XCTestCase {
    /// Records each call's leaf and a copy of its gradient at that moment.
    final class Recorder {
        var calls: [(name: String, grad: [Float])] = []
        func attach(_ t: Tensor, _ name: String) {
            t.gradientReadyHook = { [unowned self] leaf in self.calls.append((name, leaf.grad?.scalars ?? [])) }
        }
        func count(_ name: String) -> Int { calls.filter { $0.name == name }.count }
    }

    func testFiresOncePerLeafAfterAllContributions() throws {
        // W is used twice: by the first layer (deepest in the tape) and by the third (near the
        // loss). V and the bias are used once, in the middle. The hook on W must wait for the
        // first layer's contribution, and see the final gradient.
        let x = TestData.uniform([3, 4], seed: 1, requiresGrad: false)
        let w = TestData.uniform([4, 4], seed: 2)
        let v = TestData.uniform([4, 4], seed: 3)
        let bias = TestData.uniform([4], seed: 4)
        let recorder = Recorder()
        recorder.attach(w, "W"); recorder.attach(v, "V"); recorder.attach(bias, "b")

        let h1 = linear(x, weight: w, bias: nil).tanh()
        let h2 = linear(h1, weight: v, bias: bias).sigmoid()
        let h3 = linear(h2, weight: w, bias: nil)
        h3.sum().backward()

        XCTAssertEqual(recorder.count("W"), 1)
        XCTAssertEqual(recorder.count("V"), 1)
        XCTAssertEqual(recorder.count("b"), 1)
        let seenW = try XCTUnwrap(recorder.calls.first { $0.name == "W" }).grad
        XCTAssertEqual(seenW, try XCTUnwrap(w.grad).scalars, "W's hook saw its final gradient")
        let seenV = try XCTUnwrap(recorder.calls.first { $0.name == "V" }).grad
        XCTAssertEqual(seenV, try XCTUnwrap(v.grad).scalars)
        // As soon as ready: V (used only in the middle) is final before W (also used at the
        // bottom), so its hook fires first. This is what lets allreduce overlap backward.
        XCTAssertEqual(recorder.calls.map(\.name).last, "W")

        // The gradient W's hook saw contains both uses: it differs from W's gradient when the
        // third layer's weight is a separate tensor holding the same values.
        let w3 = Tensor(w.scalars, shape: [4, 4], requiresGrad: true)
        let w1 = Tensor(w.scalars, shape: [4, 4], requiresGrad: true)
        let g1 = linear(x, weight: w1, bias: nil).tanh()
        let g2 = linear(g1, weight: v.detached(), bias: bias.detached()).sigmoid()
        linear(g2, weight: w3, bias: nil).sum().backward()
        let sum = zip(try XCTUnwrap(w1.grad).scalars, try XCTUnwrap(w3.grad).scalars).map { $0 + $1 }
        assertClose(seenW, sum, absolute: 1e-6)
    }

    func testFiresOnceForALeafUsedTwiceByOneOp() {
        let x = Tensor([1, 2], requiresGrad: true)
        let recorder = Recorder()
        recorder.attach(x, "x")
        (x * x).sum().backward()
        XCTAssertEqual(recorder.count("x"), 1)
        XCTAssertEqual(recorder.calls.first?.grad, [2, 4])
    }

    func testFiresOncePerBackwardPass() {
        let x = Tensor([1, 2], requiresGrad: true)
        let recorder = Recorder()
        recorder.attach(x, "x")
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        XCTAssertEqual(recorder.count("x"), 2)
        XCTAssertEqual(recorder.calls.map(\.grad), [[3, 3], [6, 6]])
    }

    func testDoesNotFireForLeavesOutsideTheGraphOrWithoutGradient() {
        let used = Tensor([1], requiresGrad: true)
        let unused = Tensor([1], requiresGrad: true)
        let frozen = Tensor([1])
        let recorder = Recorder()
        recorder.attach(used, "used"); recorder.attach(unused, "unused"); recorder.attach(frozen, "frozen")
        (used * frozen).sum().backward()
        XCTAssertEqual(recorder.calls.map(\.name), ["used"])
    }
}
