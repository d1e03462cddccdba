import CKernels
import Foundation

/// Elementwise arithmetic with NumPy/PyTorch broadcasting.
extension Tensor {
    enum BinaryOp { case add, sub, mul, div }

    private static func binary(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) -> Tensor {
        guard let outShape = Shape.broadcast(a.shape, b.shape) else {
            preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let out = Tensor(uninitialized: outShape)
        let pa = a.pointer, pb = b.pointer, po = out.pointer
        let n = out.count
        if a.shape == b.shape {
            switch op {
            case .add: VectorMath.map2(pa, pb, po, n) { $0 + $1 }
            case .sub: VectorMath.map2(pa, pb, po, n) { $0 - $1 }
            case .mul: VectorMath.map2(pa, pb, po, n) { $0 * $1 }
            case .div: VectorMath.map2(pa, pb, po, n) { $0 / $1 }
            }
        } else if b.count == 1 {
            let s = pb[0]
            switch op {
            case .add: VectorMath.map(pa, po, n) { $0 + s }
            case .sub: VectorMath.map(pa, po, n) { $0 - s }
            case .mul: VectorMath.map(pa, po, n) { $0 * s }
            case .div: VectorMath.map(pa, po, n) { $0 / s }
            }
        } else {
            let sa = Shape.broadcastStrides(a.shape, to: outShape)
            let sb = Shape.broadcastStrides(b.shape, to: outShape)
            switch op {
            case .add: Broadcasting.forEach(outShape: outShape, aStrides: sa, bStrides: sb) { po[$0] = pa[$1] + pb[$2] }
            case .sub: Broadcasting.forEach(outShape: outShape, aStrides: sa, bStrides: sb) { po[$0] = pa[$1] - pb[$2] }
            case .mul: Broadcasting.forEach(outShape: outShape, aStrides: sa, bStrides: sb) { po[$0] = pa[$1] * pb[$2] }
            case .div: Broadcasting.forEach(outShape: outShape, aStrides: sa, bStrides: sb) { po[$0] = pa[$1] / pb[$2] }
            }
        }
        return out.recording("\(op)", [a, b]) { g, _ in
            binaryBackward(a, b, g, op)
        }
    }

    private static func binaryBackward(_ a: Tensor, _ b: Tensor, _ g: Tensor, _ op: BinaryOp) {
        let outShape = g.shape
        // d(out)/da and d(out)/db elementwise, at output shape, then summed to each operand.
        // `owned` says whether `local` may become the operand's gradient as it is (see
        // `accumulateGradient(taking:)`): `g` itself only for the first operand it is sent to.
        func send(_ t: Tensor, _ local: Tensor, owned: Bool) {
            guard t.requiresGrad else { return }
            if t.shape == outShape {
                if owned { t.accumulateGradient(taking: local) } else { t.accumulateGradient(adding: local.pointer) }
            } else {
                t.accumulateGradient { dst, acc in
                    Broadcasting.sumToShape(local.pointer, fromShape: outShape, toShape: t.shape,
                                            into: dst, accumulate: acc)
                }
            }
        }
        switch op {
        case .add:
            // b first, copying: if a is b, taking g for a first would make b add g to itself.
            send(b, g, owned: false); send(a, g, owned: true)
        case .sub:
            if b.requiresGrad { send(b, g.negatedValues(), owned: true) }
            send(a, g, owned: true)
        case .mul:
            if a.requiresGrad { send(a, withoutGradients { g * b.detached() }, owned: true) }
            if b.requiresGrad { send(b, withoutGradients { g * a.detached() }, owned: true) }
        case .div:
            if a.requiresGrad { send(a, withoutGradients { g / b.detached() }, owned: true) }
            if b.requiresGrad {
                // d(a/b)/db = -a / b²
                send(b, withoutGradients { (g * a.detached() / (b.detached() * b.detached())).negatedValues() }, owned: true)
            }
        }
    }

    fileprivate func negatedValues() -> Tensor {
        let out = Tensor(uninitialized: shape)
        VectorMath.map(pointer, out.pointer, count) { -$0 }
        return out
    }

    /// The elementwise sum, with NumPy broadcasting; differentiable in both operands.
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .add) }
    /// The elementwise difference, with NumPy broadcasting; differentiable in both operands.
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .sub) }
    /// The elementwise product, with NumPy broadcasting; differentiable in both operands.
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .mul) }
    /// The elementwise quotient, with NumPy broadcasting; differentiable in both operands.
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(a, b, .div) }

    /// Adds a scalar to every element.
    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    /// Subtracts a scalar from every element.
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    /// Multiplies every element by a scalar.
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    /// Multiplies every element by a scalar.
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    /// Divides every element by a scalar (as multiplication by 1/s).
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
    /// Negates every element.
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1, shift: 0) }

    /// scale · self + shift, elementwise.
    public func affine(scale: Float, shift: Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        VectorMath.map(pointer, out.pointer, count) { $0 * scale + shift }
        return out.recording("affine", [self]) { g, _ in
            self.accumulateGradient { dst, acc in
                if acc { VectorMath.map2(g.pointer, dst, dst, g.count) { $0 * scale + $1 } }
                else { VectorMath.map(g.pointer, dst, g.count) { $0 * scale } }
            }
        }
    }

    /// Elementwise square.
    public func squared() -> Tensor { self * self }

    /// Elementwise square root.
    public func sqrt() -> Tensor {
        let out = Tensor(uninitialized: shape)
        VectorMath.map(pointer, out.pointer, count) { $0.squareRoot() }
        return out.recording("sqrt", [self]) { g, y in
            self.accumulateGradient { dst, acc in
                for i in 0..<g.count {
                    let d = g.pointer[i] * 0.5 / y.pointer[i]
                    dst[i] = acc ? dst[i] + d : d
                }
            }
        }
    }

    /// Elementwise e^x.
    public func exp() -> Tensor {
        let out = Tensor(uninitialized: shape)
        ck_exp(pointer, out.pointer, count)
        return out.recording("exp", [self]) { g, y in
            self.accumulateGradient { dst, acc in
                if acc { VectorMath.map3(g.pointer, y.pointer, dst, dst, g.count) { $0 * $1 + $2 } }
                else { VectorMath.map2(g.pointer, y.pointer, dst, g.count) { $0 * $1 } }
            }
        }
    }

    /// Elementwise natural logarithm.
    public func log() -> Tensor {
        let out = Tensor(uninitialized: shape)
        for i in 0..<count { out.pointer[i] = Foundation.log(pointer[i]) }
        return out.recording("log", [self]) { g, _ in
            self.accumulateGradient { dst, acc in
                for i in 0..<g.count {
                    let d = g.pointer[i] / self.pointer[i]
                    dst[i] = acc ? dst[i] + d : d
                }
            }
        }
    }
}
