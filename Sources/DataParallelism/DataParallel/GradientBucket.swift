import Autograd
import Collectives

/// A contiguous buffer that holds the gradients of several parameters back to back.
///
/// Parameter gradients are views into it (as PyTorch's `gradient_as_bucket_view`), so backward
/// writes straight into the buffer that is allreduced: no copy in, no copy out.
final class GradientBucket {
    /// Index in launch order; identical on every rank.
    let index: Int
    /// Indices into the model's parameter list, in the order they sit in the buffer.
    let parameterIndices: [Int]
    /// Offsets of each parameter's gradient within `storage`.
    let offsets: [Int]
    let storage: TensorStorage
    /// Parameters whose gradient is not final yet in the current backward.
    var pending = 0
    /// The in-flight allreduce, if launched.
    var handle: CommunicationHandle<Void>?

    init(index: Int, parameterIndices: [Int], parameters: [Tensor]) {
        self.index = index
        self.parameterIndices = parameterIndices
        var offsets: [Int] = []
        var total = 0
        for i in parameterIndices {
            offsets.append(total)
            total += parameters[i].count
        }
        self.offsets = offsets
        self.storage = TensorStorage(count: total, repeating: 0)
    }

    var count: Int { storage.count }
    var byteCount: Int { storage.count * MemoryLayout<Float>.size }
    var buffer: UnsafeMutableBufferPointer<Float> { storage.buffer }

    /// Makes each parameter's `grad` a view into this bucket, carrying over current values.
    func adopt(_ parameters: [Tensor]) {
        for (slot, i) in parameterIndices.enumerated() {
            let p = parameters[i]
            let view = Tensor(shape: p.shape, storage: TensorStorage(viewOf: storage, offset: offsets[slot], count: p.count))
            if let old = p.grad { view.pointer.update(from: old.pointer, count: p.count) } else { view.fill(0) }
            p.grad = view
        }
    }
}
