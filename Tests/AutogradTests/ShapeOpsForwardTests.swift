import XCTest
@testable import Autograd

/// Forward values of reshape, permute, transpose, row slices and gathers.
final class ShapeOpsForwardTests: XCTestCase {
    let arange = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])

    func testReshapedKeepsOrderAndSharesStorage() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let y = x.reshaped([3, 2])
        assertTensor(y, shape: [3, 2], [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.reshaped([-1]).shape, [6])
        XCTAssertEqual(x.reshaped([3, -1]).shape, [3, 2])
        XCTAssertEqual(x.reshaped([1, -1, 1]).shape, [1, 6, 1])
        x.pointer[0] = 42
        XCTAssertEqual(y.scalars[0], 42, "a reshape is a view")
    }

    func testPermutedAgainstNaiveIndexing() {
        // Output axis a is input axis order[a]: out[i0, i1, i2] = x[idx] with idx[order[a]] = ia.
        let shape = [2, 3, 4]
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 2, 1], [1, 0, 2]] {
            let out = arange.permuted(order)
            let outShape = order.map { shape[$0] }
            XCTAssertEqual(out.shape, outShape, "\(order)")
            var expected: [Float] = []
            for i0 in 0..<outShape[0] {
                for i1 in 0..<outShape[1] {
                    for i2 in 0..<outShape[2] {
                        var idx = [0, 0, 0]
                        idx[order[0]] = i0; idx[order[1]] = i1; idx[order[2]] = i2
                        expected.append(Float(idx[0] * 12 + idx[1] * 4 + idx[2]))
                    }
                }
            }
            XCTAssertEqual(out.scalars, expected, "\(order)")
        }
    }

    func testTransposed() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        assertTensor(x.transposed(), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        assertTensor(x.transposed(1, 0), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        let t = arange.transposed(0, 2)
        XCTAssertEqual(t.shape, [4, 3, 2])
        XCTAssertEqual(t.scalars[0 * 6 + 2 * 2 + 1], 12 + 2 * 4 + 0, "t[0, 2, 1] = x[1, 2, 0]")
        XCTAssertEqual(t.scalars[3 * 6 + 1 * 2 + 0], 0 + 4 + 3, "t[3, 1, 0] = x[0, 1, 3]")
    }

    func testRowsIsAViewOfTheRightRows() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [4, 2])
        let r = x.rows(1..<3)
        assertTensor(r, shape: [2, 2], [3, 4, 5, 6])
        assertTensor(x.rows(0..<0), shape: [0, 2], [])
        assertTensor(arange.rows(1..<2), shape: [1, 3, 4], (12..<24).map(Float.init))
        x.pointer[2] = -1
        XCTAssertEqual(r.scalars[0], -1, "rows is a view")
    }

    func testGatherRowsCopiesInIndexOrder() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        let g = x.gatherRows([2, 0, 2])
        assertTensor(g, shape: [3, 2], [5, 6, 1, 2, 5, 6])
        x.pointer[0] = 100
        XCTAssertEqual(g.scalars[2], 1, "gatherRows copies")
        assertTensor(x.gatherRows([]), shape: [0, 2], [])
    }

    func testConcatenateRows() {
        let a = Tensor([1, 2], shape: [1, 2]), b = Tensor([3, 4, 5, 6], shape: [2, 2])
        assertTensor(Tensor.concatenateRows([a, b]), shape: [3, 2], [1, 2, 3, 4, 5, 6])
        assertTensor(Tensor.concatenateRows([b]), shape: [2, 2], [3, 4, 5, 6])
    }
}
