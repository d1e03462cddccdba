/// A multi-dimensional array of `Float` in row-major order that can record the operations
/// applied to it, so that gradients flow back through them.
///
/// Tensors are reference types: an optimizer updates parameters in place, and a gradient can
/// be a view into a communication bucket. Ops never mutate their inputs; they return new
/// tensors, and record a `GradFunction` when any input requires a gradient.
public final class Tensor {
    /// The size of each axis. A scalar has shape `[]`.
    public let shape: [Int]
    /// The scalars, shared with any views of this tensor.
    public let storage: TensorStorage
    // The engine is single-threaded per tensor graph and never holds an access to these across
    // a call that could touch them again, so their dynamic exclusivity checks (a runtime call on
    // every read and write, several per op) are turned off: on a 17 µs step of the seed's small
    // MLP they cost about 4 % once -Ounchecked no longer hid them (docs/BENCHMARKS.md).
    /// Whether backward computes a gradient for this tensor.
    @exclusivity(unchecked) public var requiresGrad: Bool
    /// The accumulated gradient; nil until backward first reaches this tensor.
    ///
    /// After `zeroGrad()` it reads as zeros, but the zeros are written only when something reads
    /// it before backward does: backward's first contribution overwrites the stale values instead
    /// (BLAS with beta 0), which saves a pass over every gradient each step.
    public var grad: Tensor? {
        get {
            if gradIsStale { storedGrad?.fill(0); gradIsStale = false }
            return storedGrad
        }
        set { storedGrad = newValue; gradIsStale = false }
    }
    /// The gradient's storage, possibly stale (see `gradIsStale`).
    @usableFromInline @exclusivity(unchecked) var storedGrad: Tensor?
    /// Whether `storedGrad` holds an earlier step's values that stand for zeros.
    @usableFromInline @exclusivity(unchecked) var gradIsStale = false
    /// The op that produced this tensor; nil for leaves (parameters, inputs).
    @exclusivity(unchecked) public internal(set) var gradFn: GradFunction?
    /// Called once per backward pass, as soon as this leaf's gradient is final: every op that
    /// used it has contributed. Data-parallel training starts an allreduce from here while the
    /// rest of backward runs.
    @exclusivity(unchecked) public var gradientReadyHook: ((Tensor) -> Void)?

    deinit {
        // A deep graph must not be released recursively: see `GradFunction.dismantle`.
        if gradFn != nil { GradFunction.dismantle(&gradFn) }
    }

    /// A tensor over existing storage. `storage.count` must equal the shape's element count.
    public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        precondition(Shape.count(shape) == storage.count,
                     "shape \(shape) needs \(Shape.count(shape)) scalars, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor with uninitialized contents; every op that uses it writes all of it.
    public convenience init(uninitialized shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)))
    }

    /// A tensor from row-major scalars.
    public convenience init(_ scalars: [Float], shape: [Int], requiresGrad: Bool = false) {
        precondition(scalars.count == Shape.count(shape),
                     "\(scalars.count) scalars do not fill shape \(shape)")
        let storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { storage.base.initialize(from: s, count: scalars.count) }
        }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A one-dimensional tensor.
    public convenience init(_ scalars: [Float], requiresGrad: Bool = false) {
        self.init(scalars, shape: [scalars.count], requiresGrad: requiresGrad)
    }

    /// A scalar tensor (shape `[]`).
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init([scalar], shape: [], requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(count: Shape.count(shape), repeating: value),
                  requiresGrad: requiresGrad)
    }

    /// Zeros of the given shape.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// Ones of the given shape.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// Samples from N(mean, std²) drawn from `generator`, in row-major order.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                                    generator: inout RandomGenerator,
                                    requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.storage.base
        for i in 0..<t.count { p[i] = mean + std * generator.normal() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Samples from U[low, high) drawn from `generator`, in row-major order.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator,
                                     requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.storage.base
        for i in 0..<t.count { p[i] = generator.uniform(low, high) }
        t.requiresGrad = requiresGrad
        return t
    }

    /// The number of scalars.
    @inlinable public var count: Int { storage.count }
    /// The number of axes.
    public var rank: Int { shape.count }
    /// Whether this tensor was created by the user rather than by an op.
    public var isLeaf: Bool { gradFn == nil }
    /// A pointer to the first scalar.
    @inlinable public var pointer: UnsafeMutablePointer<Float> { storage.base }
    /// The scalars as a buffer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> { storage.buffer }

    /// A copy of the scalars, in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The value of a one-element tensor.
    public func item() -> Float {
        precondition(count == 1, "item() needs a one-element tensor, shape is \(shape)")
        return storage.base[0]
    }

    /// A copy that shares nothing with this tensor and records no graph.
    public func copy() -> Tensor {
        let out = Tensor(uninitialized: shape)
        out.pointer.update(from: pointer, count: count)
        return out
    }

    /// The same scalars, cut from the graph: what PyTorch calls `detach()`.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// Overwrites the scalars with those of `other`, which must have as many.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        pointer.update(from: other.pointer, count: count)
    }

    /// Sets every scalar to `value`.
    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    /// Sets the gradient to zero, keeping its storage (it may be a bucket view). The zeros are
    /// written lazily: see `grad`.
    public func zeroGrad() {
        if storedGrad != nil { gradIsStale = true }
    }
}

extension Tensor: CustomStringConvertible {
    /// The shape and the first eight scalars, for debugging.
    public var description: String {
        let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
