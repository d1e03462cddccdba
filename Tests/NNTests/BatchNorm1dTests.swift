import Autograd
import NN
import XCTest

/// BatchNorm1d against hand-computed values, as PyTorch defines it: training normalizes with
/// the batch mean and *biased* variance and moves the running statistics by momentum 0.1
/// towards the batch mean and *unbiased* variance; evaluation normalizes with the running
/// statistics and changes nothing.
///
/// Tolerance: relative 1e-5 with a 1e-6 floor, a few Float32 ulp of the O(1) values involved.
final class BatchNorm1dTests: XCTestCase {
    private let eps = 1e-5

    /// w·(x − mean)/√(var + eps) + b for each element, given each element's channel.
    private func normalized(_ x: [Double], channelOf: (Int) -> Int, mean: [Double], variance: [Double],
                            weight: [Double], bias: [Double]) -> [Float] {
        x.indices.map { i in
            let c = channelOf(i)
            return Float(weight[c] * (x[i] - mean[c]) / (variance[c] + eps).squareRoot() + bias[c])
        }
    }

    private func layer(weight: [Float], bias: [Float]) -> BatchNorm1d {
        let bn = BatchNorm1d(weight.count)
        bn.weight.assign(Tensor(weight))
        bn.bias.assign(Tensor(bias))
        return bn
    }

    func testDefaults() {
        let bn = BatchNorm1d(3)
        XCTAssertEqual(bn.momentum, 0.1)
        XCTAssertEqual(bn.eps, 1e-5)
        XCTAssertEqual(bn.weight.scalars, [1, 1, 1])
        XCTAssertEqual(bn.bias.scalars, [0, 0, 0])
        XCTAssertEqual(bn.runningMean.scalars, [0, 0, 0])
        XCTAssertEqual(bn.runningVar.scalars, [1, 1, 1])
        XCTAssertEqual(bn.numBatchesTracked.scalars, [0])
    }

    /// [N, C] = [4, 2]. Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25, unbiased
    /// 5/3); channel 1 holds 2, 4, 6, 8 (mean 5, variance 5, unbiased 20/3).
    func testTwoDimensionalTrainThenEval() {
        let values: [Double] = [1, 2, 2, 4, 3, 6, 4, 8]
        let x = Tensor(values.map { Float($0) }, shape: [4, 2])
        let weight: [Double] = [2, 0.5], bias: [Double] = [0.1, -1]
        let bn = layer(weight: weight.map { Float($0) }, bias: bias.map { Float($0) })
        let channel = { (i: Int) in i % 2 }

        let y1 = bn(x)
        XCTAssertEqual(y1.shape, [4, 2])
        assertClose(y1.scalars, normalized(values, channelOf: channel, mean: [2.5, 5], variance: [1.25, 5],
                                           weight: weight, bias: bias), "batch statistics")
        // 0.9·0 + 0.1·mean and 0.9·1 + 0.1·unbiased variance.
        assertClose(bn.runningMean.scalars, [0.25, 0.5])
        assertClose(bn.runningVar.scalars, [Float(0.9 + 0.1 * 5.0 / 3), Float(0.9 + 0.1 * 20.0 / 3)])
        XCTAssertEqual(bn.numBatchesTracked.scalars, [1])

        // The same batch again: the output is the same, the running statistics move again.
        assertClose(bn(x).scalars, y1.scalars)
        let runningMean: [Double] = [0.9 * 0.25 + 0.25, 0.9 * 0.5 + 0.5]
        let runningVar: [Double] = [0.9 * (0.9 + 0.5 / 3) + 0.5 / 3, 0.9 * (0.9 + 2.0 / 3) + 2.0 / 3]
        assertClose(bn.runningMean.scalars, runningMean.map { Float($0) })
        assertClose(bn.runningVar.scalars, runningVar.map { Float($0) })
        XCTAssertEqual(bn.numBatchesTracked.scalars, [2])

        bn.eval()
        let yEval = bn(x)
        assertClose(yEval.scalars, normalized(values, channelOf: channel, mean: runningMean, variance: runningVar,
                                              weight: weight, bias: bias), "running statistics")
        assertClose(bn.runningMean.scalars, runningMean.map { Float($0) }, "eval must not update")
        assertClose(bn.runningVar.scalars, runningVar.map { Float($0) }, "eval must not update")
        XCTAssertEqual(bn.numBatchesTracked.scalars, [2])
    }

    /// [N, C, L] = [2, 2, 3]: statistics run over N and L. Channel 0 holds 1…6 (mean 3.5, biased
    /// variance 17.5/6, unbiased 3.5); channel 1 holds 0, 0, 0, 2, 2, 2 (mean 1, variance 1,
    /// unbiased 1.2).
    func testThreeDimensionalTrainThenEval() {
        let values: [Double] = [1, 2, 3, 0, 0, 0,
                                4, 5, 6, 2, 2, 2]
        let x = Tensor(values.map { Float($0) }, shape: [2, 2, 3])
        let weight: [Double] = [1.5, -1], bias: [Double] = [0, 0.25]
        let bn = layer(weight: weight.map { Float($0) }, bias: bias.map { Float($0) })
        let channel = { (i: Int) in (i / 3) % 2 }

        let y = bn(x)
        XCTAssertEqual(y.shape, [2, 2, 3])
        assertClose(y.scalars, normalized(values, channelOf: channel, mean: [3.5, 1], variance: [17.5 / 6, 1],
                                          weight: weight, bias: bias))
        let runningMean: [Double] = [0.35, 0.1]
        let runningVar: [Double] = [0.9 + 0.35, 0.9 + 0.12]
        assertClose(bn.runningMean.scalars, runningMean.map { Float($0) })
        assertClose(bn.runningVar.scalars, runningVar.map { Float($0) })

        bn.eval()
        assertClose(bn(x).scalars, normalized(values, channelOf: channel, mean: runningMean, variance: runningVar,
                                              weight: weight, bias: bias))
    }

    /// A fresh layer in eval mode uses mean 0, variance 1: y = w·x/√(1 + eps) + b.
    func testFreshLayerInEvalMode() {
        let bn = layer(weight: [3], bias: [1])
        bn.eval()
        let y = bn(Tensor([-1, 0, 2], shape: [3, 1]))
        let s = 1 / (1 + eps).squareRoot()
        assertClose(y.scalars, [Float(1 - 3 * s), 1, Float(1 + 6 * s)])
        XCTAssertEqual(bn.numBatchesTracked.scalars, [0])
    }

    func testCustomMomentum() {
        let bn = BatchNorm1d(1, momentum: 0.5)
        _ = bn(Tensor([1, 3], shape: [2, 1]))
        // mean 2, unbiased variance 2.
        assertClose(bn.runningMean.scalars, [1])
        assertClose(bn.runningVar.scalars, [1.5])
    }
}
