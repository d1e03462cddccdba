import XCTest
@testable import Autograd

/// The strided iteration behind broadcast ops, and the reduction of a broadcast gradient.
final class BroadcastingTests: XCTestCase {
    func testForEachVisitsEveryOutputInOrderWithBroadcastIndices() {
        // [2, 4, 3] from a = [2, 1, 3] and b = [4, 1].
        let out = [2, 4, 3]
        var visits: [(Int, Int, Int)] = []
        Broadcasting.forEach(outShape: out, aStrides: Shape.broadcastStrides([2, 1, 3], to: out),
                             bStrides: Shape.broadcastStrides([4, 1], to: out)) { visits.append(($0, $1, $2)) }
        XCTAssertEqual(visits.count, 24)
        for (n, (o, a, b)) in visits.enumerated() {
            let i = n / 12, j = (n / 3) % 4, k = n % 3
            XCTAssertEqual(o, n)
            XCTAssertEqual(a, i * 3 + k, "a index at \([i, j, k])")
            XCTAssertEqual(b, j, "b index at \([i, j, k])")
        }
    }

    func testForEachOnScalarAndEmptyShapes() {
        var count = 0
        Broadcasting.forEach(outShape: [], aStrides: [], bStrides: []) { o, a, b in
            XCTAssertEqual([o, a, b], [0, 0, 0]); count += 1
        }
        XCTAssertEqual(count, 1)
        Broadcasting.forEach(outShape: [0, 3], aStrides: [3, 1], bStrides: [3, 1]) { _, _, _ in count += 1 }
        XCTAssertEqual(count, 1, "an empty shape visits nothing")
    }

    func testSumToShapeAddsOverBroadcastAxes() {
        // A gradient of shape [2, 3] sent back to [3] sums the rows, to [2, 1] sums the columns.
        let g: [Float] = [1, 2, 3, 4, 5, 6]
        var row = [Float](repeating: -99, count: 3)
        var column = [Float](repeating: -99, count: 2)
        g.withUnsafeBufferPointer { src in
            Broadcasting.sumToShape(src.baseAddress!, fromShape: [2, 3], toShape: [3], into: &row, accumulate: false)
            Broadcasting.sumToShape(src.baseAddress!, fromShape: [2, 3], toShape: [2, 1], into: &column,
                                    accumulate: false)
        }
        XCTAssertEqual(row, [5, 7, 9])
        XCTAssertEqual(column, [6, 15])
        var scalar: [Float] = [100]
        g.withUnsafeBufferPointer { src in
            Broadcasting.sumToShape(src.baseAddress!, fromShape: [2, 3], toShape: [], into: &scalar, accumulate: true)
        }
        XCTAssertEqual(scalar, [121], "accumulate adds onto what is there")
    }

    func testBroadcastGradientsSumOverStretchedAxes() throws {
        // d/db Σ (a + b) for b broadcast over N rows is N per element, and for a scalar b the
        // element count.
        let a = Tensor.ones([4, 3], requiresGrad: true)
        let b = Tensor([1, 2, 3], requiresGrad: true)
        let s = Tensor(scalar: 2, requiresGrad: true)
        ((a + b) * s).sum().backward()
        assertClose(try XCTUnwrap(b.grad).scalars, [8, 8, 8])
        XCTAssertEqual(try XCTUnwrap(s.grad).shape, [])
        // Σ (a + b) = 12 + 4·6 = 36.
        assertClose(try XCTUnwrap(s.grad).scalars, [36])
        assertClose(try XCTUnwrap(a.grad).scalars, [Float](repeating: 2, count: 12))
    }
}
