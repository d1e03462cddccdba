import Autograd

/// Applies its layers in order; they are named "0", "1", … as in PyTorch's nn.Sequential.
public final class Sequential: Module {
    public private(set) var layers: [Module] = []

    public init(_ layers: [Module]) {
        super.init()
        for layer in layers { append(layer) }
    }

    /// Adds a layer at the end, named by its index.
    public func append(_ layer: Module) {
        registerModule(String(layers.count), layer)
        layers.append(layer)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer(y) }
        return y
    }
}

/// x + body(x): an identity skip around a block of layers.
public final class Residual: Module {
    public let body: Module

    public init(_ body: Module) {
        self.body = body
        super.init()
        registerModule("body", body)
    }

    public override func forward(_ x: Tensor) -> Tensor { x + body(x) }
}
