import XCTest
@testable import Autograd

/// Forward values and running statistics of batch normalization.
final class BatchNormForwardTests: XCTestCase {
    func testTrainingByHand() {
        // Channel 0: [1, 3], mean 2, biased variance 1. Channel 1: [2, 6], mean 4, variance 4.
        let x = Tensor([1, 2, 3, 6], shape: [2, 2])
        let rm = Tensor.zeros([2]), rv = Tensor.ones([2])
        let y = batchNorm(x, weight: Tensor([2, 1]), bias: Tensor([0, 10]), runningMean: rm, runningVar: rv,
                          training: true)
        let s0: Float = 1 / (1 + 1e-5).squareRoot(), s1: Float = 2 / (4 + 1e-5).squareRoot()
        assertTensor(y, shape: [2, 2], [-2 * s0, 10 - s1, 2 * s0, 10 + s1])
        // Running statistics: momentum 0.1, and the unbiased variance (2 and 8).
        assertTensor(rm, shape: [2], [0.2, 0.4])
        assertTensor(rv, shape: [2], [0.9 + 0.2, 0.9 + 0.8])
    }

    func testTraining3DInputAgainstNaiveStatistics() {
        let (n, c, l) = (3, 2, 5)
        let x = TestData.uniform([n, c, l], seed: 1, low: -2, high: 3, requiresGrad: false)
        let w = Tensor([1.5, -0.5]), b = Tensor([0.25, 2])
        let rm = Tensor([0.5, -0.5]), rv = Tensor([2, 3])
        let y = batchNorm(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: true, momentum: 0.3)
        let px = x.scalars
        var expected = [Float](repeating: 0, count: x.count)
        for ch in 0..<c {
            var values: [Double] = []
            for s in 0..<n { for t in 0..<l { values.append(Double(px[(s * c + ch) * l + t])) } }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            for s in 0..<n {
                for t in 0..<l {
                    let i = (s * c + ch) * l + t
                    expected[i] = Float((Double(px[i]) - mean) / (variance + 1e-5).squareRoot()
                                        * Double(w.scalars[ch]) + Double(b.scalars[ch]))
                }
            }
            let unbiased = variance * Double(values.count) / Double(values.count - 1)
            XCTAssertEqual(rm.scalars[ch], Float(0.7 * [0.5, -0.5][ch] + 0.3 * mean), accuracy: 1e-6)
            XCTAssertEqual(rv.scalars[ch], Float(0.7 * [2.0, 3.0][ch] + 0.3 * unbiased), accuracy: 1e-5)
        }
        assertTensor(y, shape: [n, c, l], expected, absolute: 1e-5)
    }

    func testEvaluationUsesRunningStatisticsAndLeavesThemAlone() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2])
        let rm = Tensor([1, -1]), rv = Tensor([4, 0.25])
        let y = batchNorm(x, weight: Tensor([1, 2]), bias: Tensor([0, 1]), runningMean: rm, runningVar: rv,
                          training: false)
        let s0: Float = 1 / (4 + 1e-5).squareRoot(), s1: Float = 2 / (0.25 + 1e-5).squareRoot()
        assertTensor(y, shape: [3, 2], [0, 1 + 3 * s1, 2 * s0, 1 + 5 * s1, 4 * s0, 1 + 7 * s1], absolute: 1e-5)
        XCTAssertEqual(rm.scalars, [1, -1])
        XCTAssertEqual(rv.scalars, [4, 0.25])
    }

    func testReducerSeesTheGlobalBatch() {
        // A reducer that doubles every sum acts as two replicas holding the same batch. The
        // mean, variance, output and input gradient are then exactly those of one replica, but
        // the running variance's Bessel correction uses the global count 2N.
        let x = TestData.uniform([4, 3], seed: 2, low: -2, high: 2)
        let w = Tensor([1, 2, 0.5], requiresGrad: true), b = Tensor([0, 1, -1], requiresGrad: true)
        let rmLocal = Tensor.zeros([3]), rvLocal = Tensor.ones([3])
        let rmSync = Tensor.zeros([3]), rvSync = Tensor.ones([3])
        let g = TestData.uniform([4, 3], seed: 3, requiresGrad: false)

        let local = batchNorm(x, weight: w, bias: b, runningMean: rmLocal, runningVar: rvLocal, training: true)
        local.backward(gradient: g)
        let localGrad = x.grad?.scalars ?? []
        x.grad = nil

        var calls = 0
        let sync = batchNorm(x, weight: w, bias: b, runningMean: rmSync, runningVar: rvSync, training: true) { buffer in
            calls += 1
            for i in buffer.indices { buffer[i] *= 2 }
        }
        XCTAssertEqual(calls, 2, "forward reduces the sums and the squared deviations")
        assertClose(sync.scalars, local.scalars)
        sync.backward(gradient: g)
        XCTAssertEqual(calls, 3, "backward reduces Σdy and Σdy·x̂")
        assertClose(x.grad?.scalars ?? [], localGrad, absolute: 1e-6)
        assertClose(rmSync.scalars, rmLocal.scalars)
        // Local count 4: unbiased = v·4/3. Global count 8: v·8/7.
        for ch in 0..<3 {
            let v = (rvLocal.scalars[ch] - 0.9) / 0.1 * 3 / 4
            XCTAssertEqual(rvSync.scalars[ch], 0.9 + 0.1 * v * 8 / 7, accuracy: 1e-5)
        }
    }
}
