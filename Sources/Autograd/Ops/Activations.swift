import CKernels
import Foundation

/// Elementwise activation functions. Each backward uses whichever of input or output gives the
/// derivative most cheaply (sigmoid and tanh from the output, the rest from the input).
extension Tensor {
    /// Shared plumbing: forward with `vector`, backward with dy · derivative.
    /// `derivative(x, y)` gets input and output vectors.
    @inline(__always)
    private func elementwise(_ name: String,
                             _ forward: (VectorMath.Vector) -> VectorMath.Vector,
                             derivative: @escaping (VectorMath.Vector, VectorMath.Vector) -> VectorMath.Vector) -> Tensor {
        let out = Tensor(uninitialized: shape)
        VectorMath.map(pointer, out.pointer, count, forward)
        return out.recording(name, [self]) { g, y in
            let n = g.count
            self.accumulateGradient { dst, acc in
                if acc {
                    let tmp = TensorStorage(uninitializedCount: n)
                    VectorMath.map3(g.pointer, self.pointer, y.pointer, tmp.base, n) { $0 * derivative($1, $2) }
                    VectorMath.map2(dst, tmp.base, dst, n) { $0 + $1 }
                } else {
                    VectorMath.map3(g.pointer, self.pointer, y.pointer, dst, n) { $0 * derivative($1, $2) }
                }
            }
        }
    }

    /// 1 / (1 + e^-x).
    public func sigmoid() -> Tensor {
        // The C kernels, not VectorMath: they are built for AVX2 and AVX-512 as well as the
        // baseline, and give the same bits (see CKernels.h).
        let out = Tensor(uninitialized: shape)
        ck_sigmoid(pointer, out.pointer, count)
        return out.recording("sigmoid", [self]) { g, y in
            self.accumulateGradient { dst, acc in
                ck_sigmoid_backward(g.pointer, y.pointer, dst, g.count, acc ? 1 : 0)
            }
        }
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = Tensor(uninitialized: shape)
        for i in 0..<count { out.pointer[i] = Foundation.tanh(pointer[i]) }
        return out.recording("tanh", [self]) { g, y in
            self.accumulateGradient { dst, acc in
                for i in 0..<g.count {
                    let t = y.pointer[i]
                    let d = g.pointer[i] * (1 - t * t)
                    dst[i] = acc ? dst[i] + d : d
                }
            }
        }
    }

    /// max(x, 0).
    public func relu() -> Tensor {
        let out = Tensor(uninitialized: shape)
        ck_relu(pointer, out.pointer, count)
        return out.recording("relu", [self]) { g, _ in
            self.accumulateGradient { dst, acc in
                ck_relu_backward(g.pointer, self.pointer, dst, g.count, acc ? 1 : 0)
            }
        }
    }

    /// x for x > 0, slope · x otherwise.
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        let zero = VectorMath.Vector(repeating: 0), one = VectorMath.Vector(repeating: 1)
        let s = VectorMath.Vector(repeating: slope)
        return elementwise("leakyRelu", { $0.replacing(with: $0 * s, where: $0 .< zero) },
                           derivative: { x, _ in s.replacing(with: one, where: x .> zero) })
    }

    /// x for x > 0, alpha · (e^x − 1) otherwise.
    public func elu(alpha: Float = 1) -> Tensor {
        let zero = VectorMath.Vector(repeating: 0), one = VectorMath.Vector(repeating: 1)
        return elementwise("elu", { x in x.replacing(with: alpha * (VectorMath.exp(x) - 1), where: x .< zero) },
                           derivative: { x, y in one.replacing(with: y + alpha, where: x .<= zero) })
    }

    /// x · Φ(x) with the exact Gaussian CDF, as PyTorch's default `gelu`.
    public func gelu() -> Tensor {
        let out = Tensor(uninitialized: shape)
        let invSqrt2: Float = 0.707_106_77
        for i in 0..<count {
            let x = pointer[i]
            out.pointer[i] = 0.5 * x * (1 + erf(x * invSqrt2))
        }
        return out.recording("gelu", [self]) { g, _ in
            let invSqrt2Pi: Float = 0.398_942_28
            self.accumulateGradient { dst, acc in
                for i in 0..<g.count {
                    let x = self.pointer[i]
                    let cdf = 0.5 * (1 + erf(x * invSqrt2))
                    let pdf = invSqrt2Pi * Foundation.exp(-0.5 * x * x)
                    let d = g.pointer[i] * (cdf + x * pdf)
                    dst[i] = acc ? dst[i] + d : d
                }
            }
        }
    }
}
