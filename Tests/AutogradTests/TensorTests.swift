import XCTest
@testable import Autograd

/// Construction, views, copies and in-place updates of tensors and their storage.
final class TensorTests: XCTestCase {
    func testInitializers() {
        let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], requiresGrad: true)
        XCTAssertEqual(t.shape, [2, 3]); XCTAssertEqual(t.rank, 2); XCTAssertEqual(t.count, 6)
        XCTAssertTrue(t.requiresGrad); XCTAssertTrue(t.isLeaf); XCTAssertNil(t.grad)
        XCTAssertEqual(Tensor([1, 2]).shape, [2])
        let s = Tensor(scalar: 3)
        XCTAssertEqual(s.shape, []); XCTAssertEqual(s.rank, 0); XCTAssertEqual(s.item(), 3)
        XCTAssertEqual(Tensor(repeating: 7, shape: [2, 2]).scalars, [7, 7, 7, 7])
        XCTAssertEqual(Tensor.zeros([3]).scalars, [0, 0, 0])
        XCTAssertEqual(Tensor.ones([1, 2]).scalars, [1, 1])
        XCTAssertTrue(Tensor.zeros([2], requiresGrad: true).requiresGrad)
        XCTAssertEqual(Tensor.zeros([0, 4]).count, 0)
        XCTAssertEqual(Tensor(uninitialized: [3, 2]).shape, [3, 2])
    }

    func testCopySharesNothingAndDetachedSharesStorage() {
        let t = Tensor([1, 2, 3], requiresGrad: true)
        let c = t.copy(), d = t.detached()
        XCTAssertFalse(c.storage === t.storage)
        XCTAssertTrue(d.storage === t.storage)
        XCTAssertFalse(c.requiresGrad); XCTAssertFalse(d.requiresGrad)
        t.pointer[0] = 10
        XCTAssertEqual(c.scalars, [1, 2, 3])
        XCTAssertEqual(d.scalars, [10, 2, 3])
    }

    func testAssignAndFill() {
        let t = Tensor([1, 2, 3, 4], shape: [2, 2])
        t.assign(Tensor([5, 6, 7, 8]))
        XCTAssertEqual(t.scalars, [5, 6, 7, 8])
        XCTAssertEqual(t.shape, [2, 2], "assign keeps the shape")
        t.fill(-1)
        XCTAssertEqual(t.scalars, [-1, -1, -1, -1])
    }

    func testStorageViewsWriteThroughAndOutliveTheirTensor() {
        var view: TensorStorage
        do {
            let parent = TensorStorage(count: 6, repeating: 0)
            view = TensorStorage(viewOf: parent, offset: 2, count: 3)
            view.base[0] = 5
            XCTAssertEqual(parent.base[2], 5, "a view writes into its parent")
        }
        // The parent is gone from this scope, but the view keeps it alive.
        view.base[2] = 9
        XCTAssertEqual(Array(view.buffer), [5, 0, 9])
        // A gradient may be such a view, as data-parallel buckets make them.
        let bucket = TensorStorage(count: 4, repeating: 0)
        let w = Tensor([1, 2], requiresGrad: true)
        w.grad = Tensor(shape: [2], storage: TensorStorage(viewOf: bucket, offset: 1, count: 2))
        (w * 3).sum().backward()
        XCTAssertEqual(Array(bucket.buffer), [0, 3, 3, 0], "backward accumulates into the bucket in place")
        // Zeroing is lazy: the bucket keeps the stale values until the gradient is read or
        // backward overwrites it.
        w.zeroGrad()
        XCTAssertEqual(Array(bucket.buffer), [0, 3, 3, 0], "zeroGrad itself writes nothing")
        (w * 2).sum().backward()
        XCTAssertEqual(Array(bucket.buffer), [0, 2, 2, 0], "backward after zeroGrad overwrites, in place")
        w.zeroGrad()
        XCTAssertEqual(w.grad.map { Array($0.buffer) }, [0, 0], "a zeroed gradient reads as zeros")
        XCTAssertEqual(Array(bucket.buffer), [0, 0, 0, 0], "and reading it wrote them into the bucket")
    }

    func testZeroedGradientsAreOverwrittenByTheNextBackwardAndAccumulateAfter() {
        let w = Tensor([1, 2, 3], requiresGrad: true)
        (w * 3).sum().backward()
        (w * 3).sum().backward()
        XCTAssertEqual(w.grad.map { Array($0.buffer) }, [6, 6, 6], "two backwards accumulate")
        w.zeroGrad()
        (w * 2).sum().backward()
        XCTAssertEqual(w.grad.map { Array($0.buffer) }, [2, 2, 2], "the first backward after zeroGrad replaces")
        w.zeroGrad()
        (w * 2).sum().backward()
        (w * 5).sum().backward()
        XCTAssertEqual(w.grad.map { Array($0.buffer) }, [7, 7, 7], "and later ones add to it")
        // Through a matrix product (BLAS with beta 0 after zeroGrad, 1 after that).
        let x = Tensor([1, 2, 3, 4], shape: [2, 2])
        let m = Tensor([1, 0, 0, 1], shape: [2, 2], requiresGrad: true)
        x.matmul(m).sum().backward()
        let once = m.grad.map { Array($0.buffer) }
        m.zeroGrad()
        x.matmul(m).sum().backward()
        XCTAssertEqual(m.grad.map { Array($0.buffer) }, once)
        x.matmul(m).sum().backward()
        XCTAssertEqual(m.grad.map { Array($0.buffer) }, once.map { $0.map { $0 * 2 } })
    }

    func testDescription() {
        XCTAssertEqual(Tensor([1, 2], shape: [1, 2]).description, "Tensor(shape: [1, 2], [1.0, 2.0])")
        XCTAssertTrue(Tensor.zeros([10]).description.hasSuffix(", …])"))
    }
}
