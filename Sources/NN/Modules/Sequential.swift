import Autograd

/// Applies its layers in order; they are named "0", "1", … as in PyTorch's nn.Sequential.
public final class Sequential: Module {
    /// The layers in application order.
    public private(set) var layers: [Module] = []

    /// A container applying `layers` in order, registered as "0", "1", ….
    public init(_ layers: [Module]) {
        super.init()
        for layer in layers { append(layer) }
    }

    /// Adds a layer at the end, named by its index.
    public func append(_ layer: Module) {
        registerModule(String(layers.count), layer)
        layers.append(layer)
    }

    /// Feeds `x` through every layer in turn.
    public override func forward(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer(y) }
        return y
    }
}

/// x + body(x): an identity skip around a block of layers.
public final class Residual: Module {
    /// The block whose output is added to its input; its shape must not change the input's.
    public let body: Module

    /// A skip connection around `body`, registered as `body`.
    public init(_ body: Module) {
        self.body = body
        super.init()
        registerModule("body", body)
    }

    /// Returns x + body(x).
    public override func forward(_ x: Tensor) -> Tensor { x + body(x) }
}
