import Autograd
import Collectives
import NN

/// Verifies that every rank holds bitwise-identical parameters and buffers, by comparing a
/// checksum per tensor across ranks. Replicas drift apart only through a bug (or a faulty
/// node), and once apart they average gradients of different models; this catches it.
public enum ReplicaCheck {
    /// Ranks whose parameters differ from rank 0's.
    public struct Divergence: Error, CustomStringConvertible {
        /// The ranks and tensors that differ.
        public let description: String
    }

    /// FNV-1a over the tensor's bytes: equal checksums mean equal bits (with overwhelming odds).
    public static func checksum(_ t: Tensor) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let words = UnsafeRawPointer(t.pointer).assumingMemoryBound(to: UInt32.self)
        for i in 0..<t.count { hash = (hash ^ UInt64(words[i])) &* 0x100_0000_01b3 }
        return Int64(bitPattern: hash)
    }

    /// Throws on every rank, naming the ranks and tensors that differ from rank 0. Collective.
    public static func verify(model: Module, communicator: any Communicator, step: Int) throws {
        let state = model.stateDict()
        let mine = state.map { checksum($0.tensor) }
        let all = communicator.allGather(mine)
        var problems: [String] = []
        for rank in 1..<all.count {
            let differing = state.indices.filter { all[rank][$0] != all[0][$0] }.map { state[$0].name }
            if !differing.isEmpty {
                let names = differing.prefix(5).joined(separator: ", ") + (differing.count > 5 ? ", …" : "")
                problems.append("rank \(rank) differs from rank 0 in \(differing.count) tensor(s): \(names)")
            }
        }
        if !problems.isEmpty {
            throw Divergence(description: "replica check failed after step \(step): " + problems.joined(separator: "; "))
        }
    }
}
