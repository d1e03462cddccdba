import Autograd
import Foundation

/// Samples in memory: inputs [N, …] and targets [N, …] (regression) or class labels.
public struct Dataset {
    /// The inputs, shape `[N, …]` (e.g. `[N, features]` or `[N, channels, L]`).
    public let inputs: Tensor
    /// Regression targets, or the labels as floats for classification.
    public let targets: Tensor
    /// Class indices, for classification.
    public let labels: [Int]?

    /// A dataset; traps unless inputs and targets have the same sample count N.
    public init(inputs: Tensor, targets: Tensor, labels: [Int]? = nil) {
        precondition(inputs.shape[0] == targets.shape[0], "inputs and targets differ in sample count")
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { inputs.shape[0] }

    /// The samples at `indices`, in that order.
    public func batch(_ indices: [Int]) -> (inputs: Tensor, targets: Tensor, labels: [Int]?) {
        (inputs.gatherRows(indices), targets.gatherRows(indices), labels.map { l in indices.map { l[$0] } })
    }

    /// Splits off the last `fraction` of samples for validation. The split is fixed by the
    /// data order, not shuffled, so every rank and every run holds out the same samples.
    public func split(validationFraction fraction: Double) -> (train: Dataset, validation: Dataset?) {
        let held = Int((Double(count) * fraction).rounded())
        guard held > 0 && held < count else { return (self, nil) }
        let trainIdx = Array(0..<(count - held)), valIdx = Array((count - held)..<count)
        func subset(_ idx: [Int]) -> Dataset {
            let b = batch(idx)
            return Dataset(inputs: b.inputs, targets: b.targets, labels: b.labels)
        }
        return (subset(trainIdx), subset(valIdx))
    }

    /// A fingerprint every rank compares at start: sample count, shapes and a checksum of the
    /// bytes. Ranks that loaded different files, or the same file differently, disagree here.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
            UnsafeRawPointer(p).withMemoryRebound(to: UInt8.self, capacity: n * 4) { bytes in
                for i in 0..<(n * 4) { hash = (hash ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
            }
        }
        mix(inputs.pointer, inputs.count)
        mix(targets.pointer, targets.count)
        return "samples=\(count) inputs=\(inputs.shape) targets=\(targets.shape) fnv1a=\(String(hash, radix: 16))"
    }
}
