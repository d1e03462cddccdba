import XCTest
@testable import Autograd

/// Shape arithmetic: counts, strides, broadcasting rules and axis normalization.
final class ShapeTests: XCTestCase {
    func testCount() {
        XCTAssertEqual(Shape.count([]), 1, "a scalar has one element")
        XCTAssertEqual(Shape.count([5]), 5)
        XCTAssertEqual(Shape.count([2, 3, 4]), 24)
        XCTAssertEqual(Shape.count([3, 0, 2]), 0)
    }

    func testRowMajorStrides() {
        XCTAssertEqual(Shape.strides([]), [])
        XCTAssertEqual(Shape.strides([7]), [1])
        XCTAssertEqual(Shape.strides([2, 3]), [3, 1])
        XCTAssertEqual(Shape.strides([2, 3, 4]), [12, 4, 1])
        XCTAssertEqual(Shape.strides([4, 1, 5]), [5, 5, 1])
    }

    func testBroadcastFollowsNumPyRules() {
        let cases: [([Int], [Int], [Int])] = [
            ([3, 4], [3, 4], [3, 4]),
            ([3, 4], [], [3, 4]),
            ([], [3, 4], [3, 4]),
            ([], [], []),
            ([5, 3], [3], [5, 3]),
            ([3], [5, 3], [5, 3]),
            ([5, 3], [1], [5, 3]),
            ([2, 1, 3], [4, 1], [2, 4, 3]),
            ([4, 1], [2, 1, 3], [2, 4, 3]),
            ([2, 3, 1], [1, 3, 4], [2, 3, 4]),
            ([8, 1, 6, 1], [7, 1, 5], [8, 7, 6, 5]),
            ([1], [1], [1]),
            ([0, 3], [3], [0, 3]),
            ([0, 1], [1, 4], [0, 4]),
        ]
        for (a, b, expected) in cases {
            XCTAssertEqual(Shape.broadcast(a, b), expected, "\(a) with \(b)")
        }
    }

    func testIncompatibleShapesDoNotBroadcast() {
        for (a, b) in [([3], [4]), ([2, 3], [3, 2]), ([2, 1, 3], [4, 2]), ([5, 3], [5]), ([0], [2])] {
            XCTAssertNil(Shape.broadcast(a, b), "\(a) with \(b)")
            XCTAssertNil(Shape.broadcast(b, a), "\(b) with \(a)")
        }
    }

    func testBroadcastStridesZeroTheStretchedAxes() {
        XCTAssertEqual(Shape.broadcastStrides([3], to: [5, 3]), [0, 1])
        XCTAssertEqual(Shape.broadcastStrides([2, 1, 3], to: [2, 4, 3]), [3, 0, 1])
        XCTAssertEqual(Shape.broadcastStrides([4, 1], to: [2, 4, 3]), [0, 1, 0])
        XCTAssertEqual(Shape.broadcastStrides([], to: [2, 2]), [0, 0])
        XCTAssertEqual(Shape.broadcastStrides([2, 3], to: [2, 3]), [3, 1])
        // A size-1 axis that stays size 1 may have any stride; it is never stepped along.
        XCTAssertEqual(Shape.broadcastStrides([1, 3], to: [1, 3])[1], 1)
    }

    func testAxisNormalization() {
        XCTAssertEqual(Shape.axis(0, rank: 3), 0)
        XCTAssertEqual(Shape.axis(2, rank: 3), 2)
        XCTAssertEqual(Shape.axis(-1, rank: 3), 2)
        XCTAssertEqual(Shape.axis(-3, rank: 3), 0)
    }
}
