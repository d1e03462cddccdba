import XCTest
@testable import Autograd

/// The tape walk: accumulation, shared inputs, explicit seeds, and what backward leaves behind.
final class BackwardEngineTests: XCTestCase {
    func testGradientsAccumulateAcrossBackwardCallsUntilZeroGrad() throws {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        (x * 3).sum().backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [3, 3, 3])
        (x * x).sum().backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [5, 7, 9], "3 + 2x")

        let storage = try XCTUnwrap(x.grad).storage
        x.zeroGrad()
        assertClose(try XCTUnwrap(x.grad).scalars, [0, 0, 0])
        XCTAssertTrue(x.grad?.storage === storage, "zeroGrad keeps the gradient's storage (a bucket view)")
        (x * 3).sum().backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [3, 3, 3])
    }

    func testZeroGradWithoutAGradientIsHarmless() {
        let x = Tensor([1], requiresGrad: true)
        x.zeroGrad()
        XCTAssertNil(x.grad)
    }

    func testTensorUsedTwiceGetsTheSumOfBothContributions() throws {
        let x = Tensor([1.5, -2, 0.25], requiresGrad: true)
        (x * x).sum().backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [3, -4, 0.5])
        x.grad = nil
        // Twice through different ops: d/dx (x·x + 3x + x) = 2x + 4.
        (x * x + x * 3 + x).sum().backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [7, 0, 4.5])
    }

    func testIntermediateWithTwoConsumers() throws {
        // a = eˣ feeds both b = 2a and c = 3a: dL/dx = 5eˣ, and a's gradient must be complete
        // before a's own backward runs.
        let x = Tensor([0, 1], requiresGrad: true)
        let a = x.exp()
        ((a * 2) + (a * 3)).sum().backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [5, 5 * 2.718_281_8])
    }

    func testBackwardFromNonScalarWithExplicitGradient() throws {
        let x = Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
        let y = x * x
        y.backward(gradient: Tensor([1, 0, -1, 0.5], shape: [2, 2]))
        assertClose(try XCTUnwrap(x.grad).scalars, [2, 0, -6, 4])
        XCTAssertEqual(x.grad?.shape, [2, 2])
    }

    func testBackwardFromALeaf() throws {
        let x = Tensor([1, 2], requiresGrad: true)
        var fired = 0
        x.gradientReadyHook = { _ in fired += 1 }
        x.backward(gradient: Tensor([0.5, -1]))
        assertClose(try XCTUnwrap(x.grad).scalars, [0.5, -1])
        XCTAssertEqual(fired, 1)
    }

    func testBackwardWithoutAGradientDefaultsToOne() throws {
        let x = Tensor([2], requiresGrad: true)
        let y = x * x
        y.backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [4])
    }

    func testBackwardOnATensorThatNeedsNoGradientDoesNothing() {
        let x = Tensor([1, 2])
        let y = (x * 2).sum()
        y.backward()
        XCTAssertNil(x.grad)
        XCTAssertNil(y.grad)
    }

    func testOnlyLeavesThatRequireGradientsGetThem() throws {
        let w = Tensor([1, 2], requiresGrad: true)
        let data = Tensor([3, 4])
        (w * data).sum().backward()
        assertClose(try XCTUnwrap(w.grad).scalars, [3, 4])
        XCTAssertNil(data.grad)
    }

    func testIntermediateGradientsAreReleased() throws {
        let x = Tensor([1, 2], requiresGrad: true)
        let h = x * 2
        let loss = (h * h).sum()
        loss.backward()
        XCTAssertNil(h.grad, "intermediate gradients are freed as soon as they are used")
        XCTAssertNil(loss.grad)
        assertClose(try XCTUnwrap(x.grad).scalars, [8, 16])
    }

    func testTheSameGraphCanBeWalkedTwice() throws {
        let x = Tensor([1, 2], requiresGrad: true)
        let loss = (x.exp() * x).sum()
        loss.backward()
        let once = try XCTUnwrap(x.grad).scalars
        loss.backward()
        assertClose(try XCTUnwrap(x.grad).scalars, once.map { 2 * $0 })
    }

    func testGraphRecordsOpsAndInputs() throws {
        let a = Tensor([1], requiresGrad: true), b = Tensor([2])
        let c = a + b
        let fn = try XCTUnwrap(c.gradFn)
        XCTAssertEqual(fn.name, "add")
        XCTAssertEqual(fn.inputs.count, 2)
        XCTAssertTrue(fn.inputs[0] === a && fn.inputs[1] === b)
        XCTAssertTrue(c.requiresGrad)
        XCTAssertFalse(c.isLeaf)
        XCTAssertTrue(a.isLeaf)
        let d = c.exp()
        XCTAssertGreaterThan(try XCTUnwrap(d.gradFn).sequence, fn.sequence, "creation order is the topological order")
    }

    func testDetachedCutsTheGraph() throws {
        let x = Tensor([3], requiresGrad: true)
        let y = x * x
        let z = y.detached() * x
        z.backward()
        assertClose(try XCTUnwrap(x.grad).scalars, [9], "only the direct path through x counts")
        XCTAssertTrue(y.detached().storage === y.storage)
        XCTAssertNil(y.detached().gradFn)
    }
}
