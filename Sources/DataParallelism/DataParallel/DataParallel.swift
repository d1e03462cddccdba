import Autograd
import Collectives
import Dispatch
import NN

/// Keeps identical model replicas on every rank and averages their gradients, as PyTorch's
/// DistributedDataParallel does.
///
/// - At start, `broadcastState()` copies rank 0's parameters and buffers to every rank.
/// - Gradients live in contiguous buckets (`bucketCapacityBytes`, filled in reverse parameter
///   order, then re-laid out in the order gradients actually became ready during the first
///   step, as rank 0 observed it). Each parameter's `grad` is a view into its bucket.
/// - During backward, each parameter's gradient-ready hook counts down its bucket; a full
///   bucket's allreduce starts at once on the communication thread (`overlap`), in bucket order
///   on every rank, while backward goes on. `finishSynchronization()` waits only for what is
///   still in flight, then every gradient is the average over ranks.
/// - Micro-steps that only accumulate (`backward(_:synchronize: false)`) do no communication
///   at all.
/// - The average costs no pass of its own: ``backward(_:synchronize:captureLocalNorms:)`` seeds
///   backward with ``gradientScale`` (1/N) instead of 1, so every gradient is already divided
///   by the world size when its bucket leaves, and the allreduce's sum is the average. Backward
///   is linear in its seed, so this is the same result (exactly so for a power-of-two world
///   size); Horovod calls it pre-division. Dividing after the sum instead costs a pass over
///   every gradient once the allreduce is done, where nothing can hide it (1.3× a raw
///   allreduce for the wide MLP's 16.8 MB in one bucket).
public final class DataParallel {
    /// The replica this rank trains; its gradients are views into the buckets.
    public let model: Module
    /// The communicator for collectives the compute thread issues (SyncBatchNorm, metrics).
    public let communicator: any Communicator
    /// Runs bucket allreduces on the communication thread, over its own communicator.
    public let queue: CommunicationQueue
    /// Whether bucket allreduces start during backward rather than all after it.
    public let overlap: Bool
    /// How gradients travel: full float32, or rounded to fp16 or bf16 for the allreduce.
    public let compression: GradientCompression
    /// The target size of one gradient bucket, in bytes (PyTorch's `bucket_cap_mb`, in bytes).
    public let bucketCapacityBytes: Int
    /// Receives per-bucket allreduce spans when set.
    public weak var timeline: TimelineRecorder?
    /// How long `finishSynchronization()` waits for one bucket before calling ``onStall``.
    public var stallWarningSeconds: Double = 60
    /// Called (on the compute thread, once per bucket wait) when a bucket's allreduce has kept
    /// the compute thread waiting longer than ``stallWarningSeconds``; the wait then goes on.
    public var onStall: ((CommunicationStall) -> Void)?

    private let parameters: [Tensor]
    private(set) var buckets: [GradientBucket] = []
    private var bucketOfParameter: [Int] = []
    private var synchronizing = false
    private var nextToLaunch = 0
    private var readyOrder: [Int] = []
    private var layoutSettled = false
    private var captureLocalNorms = false
    private var localSquaredNorms: [Double] = []

    /// When every rank shares one node, a bucket larger than this goes out as several
    /// allreduces of at most this many bytes, one after another on the communication thread.
    ///
    /// Measured on shared memory (2 and 4 ranks, the wide MLP's 16.8 MB in one bucket): 4 MiB
    /// pieces took 0.77–0.98× the time of one `MPI_Allreduce` of the whole buffer, one piece
    /// 1.03–1.34×, as each piece's exchanges work on data that still fits in a core's cache.
    /// Over TCP (the emulated 1 and 4 Gbit/s networks) the same pieces cost 18–23% more than
    /// one call, each collective's start-up adding latency, so across nodes a bucket goes
    /// whole.
    public static let sharedMemoryPieceBytes = 4 << 20

    /// Wraps `model`. Collective: every rank must construct it at the same point.
    public init(model: Module, communicator: any Communicator, bucketCapacityBytes: Int = 25 << 20,
                overlap: Bool = true, compression: GradientCompression = .none) {
        self.model = model
        self.communicator = communicator
        self.queue = CommunicationQueue(communicator: communicator)
        self.overlap = overlap
        self.compression = compression
        self.bucketCapacityBytes = max(bucketCapacityBytes, 4)
        self.parameters = model.parameters
        layout(order: Array(parameters.indices.reversed()))
        for (i, p) in parameters.enumerated() {
            p.gradientReadyHook = { [unowned self] _ in self.gradientReady(i) }
        }
    }

    deinit {
        for p in parameters { p.gradientReadyHook = nil }
        queue.close()
    }

    /// Gradient bytes per step (the allreduce payload before compression).
    public var gradientBytes: Int { buckets.reduce(0) { $0 + $1.byteCount } }
    /// The number of buckets.
    public var bucketCount: Int { buckets.count }
    /// Bucket sizes in bytes, in launch order.
    public var bucketSizes: [Int] { buckets.map(\.byteCount) }

    /// Copies rank 0's parameters and buffers to every rank. Collective.
    public func broadcastState() {
        for (_, t) in model.stateDict() { communicator.broadcast(t.buffer, root: 0) }
    }

    /// Copies rank 0's buffers (BatchNorm running statistics) to every rank, as PyTorch DDP
    /// does before each forward by default. Collective; does nothing for models without buffers.
    public func broadcastBuffers() {
        for (_, t) in model.namedBuffers() { communicator.broadcast(t.buffer, root: 0) }
    }

    /// Makes every BatchNorm layer compute its batch statistics over the global batch.
    public func synchronizeBatchNorm() {
        let comm = communicator
        guard comm.worldSize > 1 else { return }
        for (_, m) in model.namedModules() {
            guard let bn = m as? BatchNorm1d else { continue }
            bn.statisticsReducer = { buffer in comm.allReduce(buffer, op: .sum) }
        }
    }

    /// Zeroes every gradient. Lazily (`Tensor.zeroGrad()`): backward's first contribution to a
    /// gradient overwrites it, and a bucket writes the zeros of a gradient that got none before
    /// it is read (`launch`). That saves a pass over every gradient, a tenth of a small-batch
    /// step. The buckets' layout is settled at the end of the first synchronized step
    /// (`finishSynchronization()`), not here.
    public func zeroGradients() {
        for p in parameters { p.zeroGrad() }
    }

    /// What each rank's gradients are multiplied by before the allreduce sums them: 1/N for N
    /// ranks, so that the sum is the average. With compression the communicator scales while
    /// packing to 16 bits instead, and this is 1.
    public var gradientScale: Float {
        compression == .none ? 1 / Float(communicator.worldSize) : 1
    }

    /// Runs `loss.backward()` seeded with ``gradientScale``, with the hooks armed (see
    /// ``beginBackward(synchronize:captureLocalNorms:)``). Every backward of a step, the
    /// accumulation micro-steps included, must come through here, so that all contributions
    /// to a gradient carry the same scale.
    public func backward(_ loss: Tensor, synchronize: Bool, captureLocalNorms: Bool = false) {
        beginBackward(synchronize: synchronize, captureLocalNorms: captureLocalNorms)
        let scale = gradientScale
        loss.backward(gradient: scale == 1 ? nil : Tensor(repeating: scale, shape: loss.shape))
    }

    /// Arms the hooks for the backward pass that follows. With `synchronize: false` (an
    /// accumulation micro-step) the hooks do nothing and no communication happens.
    /// With `captureLocalNorms`, each parameter's squared gradient norm before averaging is kept
    /// (for diagnostics and the gradient noise scale).
    ///
    /// The gradients that reach the buckets afterwards must already be multiplied by
    /// ``gradientScale``; ``backward(_:synchronize:captureLocalNorms:)`` does both.
    public func beginBackward(synchronize: Bool, captureLocalNorms: Bool = false) {
        synchronizing = synchronize
        self.captureLocalNorms = captureLocalNorms && synchronize
        if self.captureLocalNorms { localSquaredNorms = Array(repeating: 0, count: parameters.count) }
        nextToLaunch = 0
        readyOrder.removeAll(keepingCapacity: true)
        for b in buckets { b.pending = b.parameterIndices.count; b.handle = nil }
    }

    /// Each parameter's squared gradient norm on this rank before averaging, in parameter
    /// order, from the last backward armed with `captureLocalNorms`.
    public var localGradientSquaredNorms: [Double] { localSquaredNorms }

    private func gradientReady(_ index: Int) {
        guard synchronizing else { return }
        if !layoutSettled { readyOrder.append(index) }
        let bucket = buckets[bucketOfParameter[index]]
        bucket.pending -= 1
        if overlap { launchReadyBuckets() }
    }

    /// Launches buckets strictly in index order: bucket i waits for buckets before it, so
    /// every rank issues the same sequence of collectives.
    private func launchReadyBuckets() {
        while nextToLaunch < buckets.count && buckets[nextToLaunch].pending == 0 {
            launch(buckets[nextToLaunch])
            nextToLaunch += 1
        }
    }

    private func launch(_ bucket: GradientBucket) {
        // The bucket's memory is read from here on: a gradient zeroed and never written since
        // (a parameter unused in this forward pass) gets its zeros now, on this thread.
        for i in bucket.parameterIndices { _ = parameters[i].grad }
        if captureLocalNorms {
            // Undo the pre-division: the norms are of this rank's own gradient.
            let unscale = compression == .none ? Double(communicator.worldSize) : 1
            for (slot, i) in bucket.parameterIndices.enumerated() {
                let squared = VectorMath.sumOfSquares(bucket.storage.base + bucket.offsets[slot], parameters[i].count)
                localSquaredNorms[i] = squared * unscale * unscale
            }
        }
        // One rank: the sum over ranks is the gradient itself. Nothing to send, and no hand-off
        // to the communication thread and back (about 0.03 ms a step, most of a small model's
        // step). Compression still runs, so one process shows its rounding.
        guard communicator.worldSize > 1 || compression.precision != nil else { return }
        let label = "allreduce bucket \(bucket.index)"
        if let precision = compression.precision {
            bucket.handle = queue.allReduceCompressed(bucket.buffer, precision: precision, label: label)
        } else {
            // Already divided by N in backward: the sum is the average.
            let piece = communicator.isSingleNode ? Self.sharedMemoryPieceBytes / MemoryLayout<Float>.size : nil
            bucket.handle = queue.allReduce(bucket.buffer, op: .sum, label: label, piece: piece)
        }
    }

    /// Waits for every bucket's allreduce (launching any that never filled, e.g. parameters
    /// unused in this forward pass); afterwards every gradient is the average over ranks.
    ///
    /// - Returns: seconds the compute thread spent waiting here.
    @discardableResult
    public func finishSynchronization() -> Double {
        guard synchronizing else { return 0 }
        let start = DispatchTime.now().uptimeNanoseconds
        while nextToLaunch < buckets.count {
            launch(buckets[nextToLaunch])
            nextToLaunch += 1
        }
        for b in buckets {
            if let onStall {
                b.handle?.wait(warningAfter: stallWarningSeconds, onStall: onStall)
            } else {
                b.handle?.wait()
            }
            if let timeline, let t = b.handle?.timing {
                timeline.record("allreduce bucket \(b.index)", track: "communication", start: t.started, end: t.finished,
                                arguments: ["bytes": "\(b.byteCount)", "compression": compression.rawValue,
                                            "wire_bytes": "\(compression == .none ? b.byteCount : b.byteCount / 2)"])
            }
            b.handle = nil
        }
        let end = DispatchTime.now().uptimeNanoseconds
        timeline?.record("wait for allreduce", track: "compute", start: start, end: end, arguments: [:])
        synchronizing = false
        if !layoutSettled { settleLayout() }
        return Double(end - start) / 1e9
    }

    /// After the first synchronized step, lays buckets out in the order gradients became
    /// ready, as rank 0 saw it, so the first bucket fills (and leaves) as early as possible.
    private func settleLayout() {
        layoutSettled = true
        var order = readyOrder.map(Int64.init)
        // Parameters that never became ready (unused) go last, in reverse order.
        let seen = Set(readyOrder)
        order += parameters.indices.reversed().filter { !seen.contains($0) }.map(Int64.init)
        guard order.count == parameters.count else { return }
        order.withUnsafeMutableBufferPointer { communicator.broadcast($0, root: 0) }
        let newOrder = order.map { Int($0) }
        let current = buckets.flatMap(\.parameterIndices)
        if newOrder != current { layout(order: newOrder) }
    }

    private func layout(order: [Int]) {
        var groups: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for i in order {
            let size = parameters[i].count * MemoryLayout<Float>.size
            if !current.isEmpty && bytes + size > bucketCapacityBytes {
                groups.append(current)
                current = []
                bytes = 0
            }
            current.append(i)
            bytes += size
        }
        if !current.isEmpty { groups.append(current) }
        buckets = groups.enumerated().map { GradientBucket(index: $0.offset, parameterIndices: $0.element, parameters: parameters) }
        bucketOfParameter = Array(repeating: 0, count: parameters.count)
        for b in buckets {
            for i in b.parameterIndices { bucketOfParameter[i] = b.index }
            b.adopt(parameters)
        }
    }
}
