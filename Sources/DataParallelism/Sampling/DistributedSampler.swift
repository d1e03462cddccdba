import Autograd

/// Splits a dataset's sample indices across ranks with PyTorch's `DistributedSampler`
/// semantics, so that every rank takes the same number of steps and none waits forever.
///
/// Each epoch: a permutation seeded with seed + epoch (identical on every rank, or the identity
/// without shuffling); then the tail is padded by repeating leading indices, or dropped
/// (`dropLast`), to a multiple of the world size; rank r takes `indices[r::worldSize]`.
///
/// With per-rank batch B, global batch k is then exactly positions kNB ..< (k+1)NB of the
/// permutation, whatever the world size: the same samples one process with batch N·B sees.
public struct DistributedSampler: Sendable, Equatable {
    /// The dataset's size.
    public let sampleCount: Int
    /// The number of ranks sharing the dataset.
    public let worldSize: Int
    /// This rank, in `0..<worldSize`.
    public let rank: Int
    /// Whether each epoch permutes the indices; otherwise they stay in order.
    public let shuffle: Bool
    /// The base seed; epoch e uses seed + e, the same on every rank.
    public let seed: UInt64
    /// Whether the tail that does not fill every rank is dropped rather than padded.
    public let dropLast: Bool

    /// A sampler for `rank` of `worldSize`; traps unless `0 ≤ rank < worldSize`.
    public init(sampleCount: Int, worldSize: Int, rank: Int, shuffle: Bool, seed: UInt64, dropLast: Bool) {
        precondition(worldSize >= 1 && rank >= 0 && rank < worldSize, "rank \(rank) of \(worldSize)")
        self.sampleCount = sampleCount
        self.worldSize = worldSize
        self.rank = rank
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
    }

    /// Samples each rank sees per epoch (after padding or dropping).
    public var samplesPerRank: Int {
        dropLast ? sampleCount / worldSize : (sampleCount + worldSize - 1) / worldSize
    }

    /// The permutation of the whole dataset for `epoch`, before sharding.
    public func globalOrder(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<sampleCount) }
        var generator = RandomGenerator(seed: seed &+ UInt64(epoch))
        return generator.permutation(sampleCount)
    }

    /// This rank's indices for `epoch`.
    public func indices(epoch: Int) -> [Int] {
        var order = globalOrder(epoch: epoch)
        let total = samplesPerRank * worldSize
        if order.count < total, !order.isEmpty {
            // Pad by repeating from the front, as often as needed (tiny datasets, many ranks).
            var i = 0
            while order.count < total { order.append(order[i % sampleCount]); i += 1 }
        } else {
            order.removeLast(order.count - total)
        }
        return stride(from: rank, to: total, by: worldSize).map { order[$0] }
    }

    /// This rank's minibatches of `batchSize` for `epoch`. A short last batch is kept unless
    /// `dropLastBatch`; every rank has the same count either way.
    public func batches(epoch: Int, batchSize: Int, dropLastBatch: Bool) -> [[Int]] {
        let mine = indices(epoch: epoch)
        var result: [[Int]] = []
        var start = 0
        while start < mine.count {
            let end = min(start + batchSize, mine.count)
            if end - start < batchSize && dropLastBatch { break }
            result.append(Array(mine[start..<end]))
            start = end
        }
        return result
    }
}
