/// A contiguous, reference-counted buffer of `Float` scalars.
///
/// Storage is a class so that several tensors can share one buffer: a reshape, a row slice, or
/// a gradient that lives inside a data-parallel bucket are all views of a parent's memory.
/// Element access goes through raw pointers, so hot loops pay no exclusivity or bounds checks.
/// Large buffers come from, and go back to, ``BufferPool/shared``.
public final class TensorStorage: @unchecked Sendable {
    /// The first scalar of this storage.
    public let base: UnsafeMutablePointer<Float>
    /// The number of scalars.
    public let count: Int
    /// The storage whose memory this one borrows, kept alive for as long as the view is.
    private let parent: TensorStorage?

    /// Allocates `count` scalars without initializing them.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "storage size must be non-negative")
        self.base = BufferPool.shared.allocate(count)
        self.count = count
        self.parent = nil
    }

    /// Allocates `count` scalars, all set to `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: value, count: count)
    }

    /// A view of `count` scalars of `parent`, starting at `offset`. Writes through the view are
    /// writes to the parent.
    public init(viewOf parent: TensorStorage, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= parent.count, "view out of range")
        self.base = parent.base + offset
        self.count = count
        self.parent = parent
    }

    deinit {
        if parent == nil { BufferPool.shared.deallocate(base, count: count) }
    }

    /// The scalars as a buffer pointer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }
}
