import XCTest
@testable import Autograd

/// Forward values of matmul, linear and conv1d, by hand and against naive loops.
final class LinearAlgebraForwardTests: XCTestCase {
    func testMatmulByHand() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([5, 6, 7, 8], shape: [2, 2])
        assertTensor(a.matmul(b), shape: [2, 2], [19, 22, 43, 50])
        let c = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let v = Tensor([1, 0, -1], shape: [3, 1])
        assertTensor(c.matmul(v), shape: [2, 1], [-2, -2])
        assertTensor(v.transposed().matmul(c.transposed()), shape: [1, 2], [-2, -2])
    }

    /// y[n, o] = Σ_i x[n, i] · W[o, i] + b[o], in Double.
    private func naiveLinear(_ x: Tensor, _ w: Tensor, _ b: Tensor?) -> [Float] {
        let n = x.shape[0], inF = x.shape[1], outF = w.shape[0]
        let px = x.scalars, pw = w.scalars, pb = b?.scalars
        var y: [Float] = []
        for r in 0..<n {
            for o in 0..<outF {
                var s = Double(pb?[o] ?? 0)
                for i in 0..<inF { s += Double(px[r * inF + i]) * Double(pw[o * inF + i]) }
                y.append(Float(s))
            }
        }
        return y
    }

    func testLinearAgainstNaiveLoop() {
        let x = TestData.uniform([5, 7], seed: 1, requiresGrad: false)
        let w = TestData.uniform([3, 7], seed: 2, requiresGrad: false)
        let b = TestData.uniform([3], seed: 3, requiresGrad: false)
        assertTensor(linear(x, weight: w, bias: b), shape: [5, 3], naiveLinear(x, w, b), absolute: 1e-5)
        assertTensor(linear(x, weight: w, bias: nil), shape: [5, 3], naiveLinear(x, w, nil), absolute: 1e-5)
    }

    func testLinearByHand() {
        // W = [[1, 0], [0, 2], [1, 1]], b = [0.5, 0, -1]: y = [x0 + 0.5, 2·x1, x0 + x1 − 1].
        let x = Tensor([1, 2, -3, 4], shape: [2, 2])
        let w = Tensor([1, 0, 0, 2, 1, 1], shape: [3, 2])
        let b = Tensor([0.5, 0, -1])
        assertTensor(linear(x, weight: w, bias: b), shape: [2, 3], [1.5, 4, 2, -2.5, 8, 0])
    }

    /// Direct convolution: y[n, o, t] = b[o] + Σ_c Σ_j W[o, c, j] · x[n, c, t + j − p].
    private func naiveConv1d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, padding p: Int) -> [Float] {
        let n = x.shape[0], c = x.shape[1], l = x.shape[2], o = w.shape[0], k = w.shape[2]
        let lOut = l + 2 * p - k + 1
        let px = x.scalars, pw = w.scalars, pb = b?.scalars
        var y: [Float] = []
        for s in 0..<n {
            for oc in 0..<o {
                for t in 0..<lOut {
                    var acc = Double(pb?[oc] ?? 0)
                    for ic in 0..<c {
                        for j in 0..<k {
                            let pos = t + j - p
                            guard pos >= 0 && pos < l else { continue }
                            acc += Double(pw[(oc * c + ic) * k + j]) * Double(px[(s * c + ic) * l + pos])
                        }
                    }
                    y.append(Float(acc))
                }
            }
        }
        return y
    }

    func testConv1dAgainstNaiveConvolution() {
        for k in [1, 3, 5] {
            for padding in [0, 1, 2] {
                for withBias in [true, false] {
                    let x = TestData.uniform([2, 3, 6], seed: UInt64(k * 10 + padding), requiresGrad: false)
                    let w = TestData.uniform([4, 3, k], seed: UInt64(100 + k), requiresGrad: false)
                    let b = withBias ? TestData.uniform([4], seed: 7, requiresGrad: false) : nil
                    let y = conv1d(x, weight: w, bias: b, padding: padding)
                    assertTensor(y, shape: [2, 4, 6 + 2 * padding - k + 1], naiveConv1d(x, w, b, padding: padding),
                                 absolute: 1e-5)
                }
            }
        }
    }

    func testConv1dByHand() {
        // A difference kernel [1, 0, −1] over [1, 2, 3] with one zero of padding each side:
        // t=0: 0·1 + 1·0 − 2 = −2, t=1: 1 − 3 = −2, t=2: 2 − 0 = 2. Then the bias 0.5.
        let x = Tensor([1, 2, 3], shape: [1, 1, 3])
        let w = Tensor([1, 0, -1], shape: [1, 1, 3])
        assertTensor(conv1d(x, weight: w, bias: Tensor([0.5]), padding: 1), shape: [1, 1, 3], [-1.5, -1.5, 2.5])
        assertTensor(conv1d(x, weight: w, bias: nil, padding: 0), shape: [1, 1, 1], [-2])
    }
}
