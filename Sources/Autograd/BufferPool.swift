#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps freed large scalar buffers for reuse by the next tensor of the same size.
///
/// A training step allocates the same activations, patches and temporaries every time. Left to
/// `malloc`, each buffer above its mmap threshold (128 KiB to 32 MiB, adjusted dynamically) is
/// mapped fresh, faulted in page by page, zeroed by the kernel and unmapped again when the step
/// ends: on the seed's Conv1d ResNet that was about a sixth of the step. Buffers of at least
/// ``minimumCount`` scalars are therefore kept on free lists keyed by exact size, up to
/// ``capacityBytes`` in all; smaller ones go straight to `malloc`, whose thread caches already
/// serve them in a few nanoseconds.
///
/// Pooled buffers are 64-byte aligned, which suits AVX-512 loads and OpenBLAS's packing. The
/// pool is shared by every thread (a tensor may die on a thread other than the one that made
/// it), so it takes a mutex; it is held for a dictionary lookup only, and only for large
/// buffers, whose cost is dominated by filling them.
public final class BufferPool: @unchecked Sendable {
    /// The process-wide pool that ``TensorStorage`` allocates from.
    public static let shared = BufferPool()

    /// Buffers smaller than this many scalars bypass the pool (8,192 scalars: 32 KiB).
    public static let minimumCount = 8_192
    /// The most bytes the pool keeps unused; a buffer freed beyond that goes back to the system.
    public let capacityBytes: Int

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var cachedBytes = 0

    /// A pool that keeps at most `capacityBytes` of unused buffers.
    public init(capacityBytes: Int = 1 << 30) {
        self.capacityBytes = capacityBytes
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        releaseCachedBuffers()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Uninitialized memory for `count` scalars (at least one).
    @inline(__always)
    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count < BufferPool.minimumCount {
            return UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        }
        pthread_mutex_lock(mutex)
        let reused = free[count]?.popLast()
        if reused != nil { cachedBytes -= count * MemoryLayout<Float>.stride }
        pthread_mutex_unlock(mutex)
        if let reused { return reused }
        return UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    /// Returns memory from ``allocate(_:)`` with the same `count`.
    @inline(__always)
    func deallocate(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count < BufferPool.minimumCount {
            pointer.deallocate()
            return
        }
        let bytes = count * MemoryLayout<Float>.stride
        pthread_mutex_lock(mutex)
        let keep = cachedBytes + bytes <= capacityBytes
        if keep {
            free[count, default: []].append(pointer)
            cachedBytes += bytes
        }
        pthread_mutex_unlock(mutex)
        if !keep { pointer.deallocate() }
    }

    /// Bytes held for reuse right now.
    public var cachedByteCount: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return cachedBytes
    }

    /// Gives every cached buffer back to the system, e.g. after evaluation at an unusual batch
    /// size, whose buffers the training loop will never ask for again.
    public func releaseCachedBuffers() {
        pthread_mutex_lock(mutex)
        let all = free
        free = [:]
        cachedBytes = 0
        pthread_mutex_unlock(mutex)
        for (_, list) in all { for p in list { p.deallocate() } }
    }
}
