import XCTest
@testable import Autograd

/// `withoutGradients` records nothing and restores the mode however it exits.
final class GradModeTests: XCTestCase {
    struct Failure: Error {}

    func testNoGradScopeRecordsNothing() {
        let x = TestData.uniform([2, 3], seed: 1)
        let w = TestData.uniform([4, 3], seed: 2)
        let b = TestData.uniform([4], seed: 3)
        let outputs: [Tensor] = withoutGradients {
            XCTAssertFalse(GradMode.isEnabled)
            let h = linear(x, weight: w, bias: b)
            return [h, h.sigmoid(), h.tanh(), h.relu(), h.softmax(), h.logSoftmax(), x + x, x * 2, x.exp(),
                    x.sum(), x.mean(axes: [0]), x.reshaped([3, 2]), x.transposed(), x.rows(0..<1),
                    x.gatherRows([1, 0]), h.matmul(w), mseLoss(x, x), crossEntropyLoss(h, labels: [0, 3])]
        }
        for (i, t) in outputs.enumerated() {
            XCTAssertNil(t.gradFn, "output \(i)")
            XCTAssertFalse(t.requiresGrad, "output \(i)")
        }
        XCTAssertTrue(GradMode.isEnabled)
        XCTAssertNotNil((x * 2).gradFn, "recording resumes after the scope")
    }

    func testModeIsRestoredAfterAThrowAndWhenNested() {
        XCTAssertThrowsError(try withoutGradients { throw Failure() })
        XCTAssertTrue(GradMode.isEnabled)
        GradMode.withoutGradients {
            withoutGradients { XCTAssertFalse(GradMode.isEnabled) }
            XCTAssertFalse(GradMode.isEnabled, "the inner scope restores the outer one's mode")
        }
        XCTAssertTrue(GradMode.isEnabled)
    }

    func testBackwardOfAnOpDoesNotRecordAGraph() throws {
        // Ops whose backward itself calls ops (mul, div) must not grow the graph.
        let a = Tensor([2], requiresGrad: true), b = Tensor([4], requiresGrad: true)
        (a / b).backward()
        XCTAssertNil(a.grad?.gradFn)
        XCTAssertNil(b.grad?.gradFn)
        XCTAssertFalse(try XCTUnwrap(a.grad).requiresGrad)
        assertClose(try XCTUnwrap(b.grad).scalars, [-0.125])
    }
}
