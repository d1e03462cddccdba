import Autograd

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`, as
/// PyTorch's `clip_grad_norm_`: coefficient maxNorm / (norm + 1e-6), clamped to 1.
///
/// - Returns: the global norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total = 0.0
    for p in parameters { if let g = p.grad { total += VectorMath.sumOfSquares(g.pointer, g.count) } }
    let norm = Float(total.squareRoot())
    let coefficient = min(maxNorm / (norm + 1e-6), 1)
    if coefficient < 1 {
        for p in parameters {
            guard let g = p.grad else { continue }
            VectorMath.map(g.pointer, g.pointer, g.count) { $0 * coefficient }
        }
    }
    return norm
}
