import Foundation
import XCTest
@testable import Autograd

/// `SubnormalFloats.flushToZero`: off by default (IEEE, as PyTorch), and when on, subnormal
/// results and inputs become zero on this thread and on threads started afterwards.
final class SubnormalFloatsTests: XCTestCase {
    private var half: [Float] = [0.5]

    /// Products computed by the engine's elementwise multiply on fresh tensors. (Plain Swift
    /// arithmetic would not do: the compiler assumes IEEE everywhere, so it may compute it once,
    /// before the switch, and reuse it after.)
    func product() -> (result: Float, subnormalInput: Float) {
        let normal = Tensor([Float.leastNormalMagnitude], shape: [1]) * Tensor([0.5], shape: [1])
        let subnormal = Tensor([Float(bitPattern: 1)], shape: [1]) * Tensor([2], shape: [1])   // the least subnormal
        return (normal.scalars[0], subnormal.scalars[0])
    }

    func testOffByDefaultThenFlushedThenRestored() {
        XCTAssertFalse(SubnormalFloats.flushToZero(false), "IEEE by default")
        let ieee = product()
        XCTAssertTrue(ieee.result.isSubnormal && ieee.subnormalInput.isSubnormal)

        XCTAssertFalse(SubnormalFloats.flushToZero(true))
        let flushed = product()
        XCTAssertTrue(SubnormalFloats.flushToZero(false), "it was on")
        XCTAssertEqual(flushed.result, 0, "a subnormal result is flushed")
        XCTAssertEqual(flushed.subnormalInput, 0, "a subnormal input counts as zero")
        XCTAssertTrue(product().result.isSubnormal, "restored")
    }

    func testThreadsStartedAfterwardsInheritIt() {
        SubnormalFloats.flushToZero(true)
        defer { SubnormalFloats.flushToZero(false) }
        final class Box: @unchecked Sendable { var value: Float = -1 }  // written before `done` signals
        let box = Box(), done = DispatchSemaphore(value: 0), h = half[0]
        let thread = Thread {
            box.value = Float.leastNormalMagnitude * h
            done.signal()
        }
        thread.start()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(box.value, 0, "a thread started after the switch flushes too")
    }
}
