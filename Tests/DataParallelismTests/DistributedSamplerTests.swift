import DataParallelism
import XCTest

/// `DistributedSampler` has PyTorch's semantics: a permutation seeded by seed + epoch, the
/// same on every rank; padding by repeating leading indices, or dropping the tail; rank r
/// takes `indices[r::world]`; and global batch k is the same samples whatever the world size.
final class DataSamplerTests: XCTestCase {
    private func samplers(_ n: Int, world: Int, shuffle: Bool = true, seed: UInt64 = 3,
                          dropLast: Bool = false) -> [DistributedSampler] {
        (0..<world).map {
            DistributedSampler(sampleCount: n, worldSize: world, rank: $0, shuffle: shuffle, seed: seed, dropLast: dropLast)
        }
    }

    func testWithoutShuffleRanksTakeStridedIndices() {
        let s = samplers(10, world: 2, shuffle: false)
        XCTAssertEqual(s[0].indices(epoch: 0), [0, 2, 4, 6, 8])
        XCTAssertEqual(s[1].indices(epoch: 0), [1, 3, 5, 7, 9])
    }

    func testShuffledOrderIsAPermutationSeededBySeedPlusEpoch() {
        let s = samplers(50, world: 1)[0]
        let epoch0 = s.globalOrder(epoch: 0)
        XCTAssertEqual(epoch0.sorted(), Array(0..<50))
        XCTAssertNotEqual(epoch0, Array(0..<50))
        XCTAssertNotEqual(s.globalOrder(epoch: 1), epoch0, "each epoch reshuffles")
        XCTAssertEqual(s.globalOrder(epoch: 1), s.globalOrder(epoch: 1), "deterministic")
        // seed + epoch is all that matters: seed 3 epoch 1 is seed 4 epoch 0.
        let seed4 = DistributedSampler(sampleCount: 50, worldSize: 1, rank: 0, shuffle: true, seed: 4, dropLast: false)
        XCTAssertEqual(s.globalOrder(epoch: 1), seed4.globalOrder(epoch: 0))
    }

    func testEveryRankSharesThePermutationAndTakesItsStride() {
        let world = 3
        let s = samplers(12, world: world)
        let order = s[0].globalOrder(epoch: 2)
        for r in 0..<world {
            XCTAssertEqual(s[r].globalOrder(epoch: 2), order)
            XCTAssertEqual(s[r].indices(epoch: 2), stride(from: r, to: 12, by: world).map { order[$0] })
        }
    }

    func testPaddingRepeatsLeadingIndices() {
        // 10 samples over 4 ranks: padded to 12 with order[0], order[1].
        let s = samplers(10, world: 4)
        let order = s[0].globalOrder(epoch: 0)
        let padded = order + [order[0], order[1]]
        for r in 0..<4 {
            XCTAssertEqual(s[r].samplesPerRank, 3)
            XCTAssertEqual(s[r].indices(epoch: 0), stride(from: r, to: 12, by: 4).map { padded[$0] })
        }
    }

    func testPaddingWrapsForDatasetsSmallerThanTheWorld() {
        let s = samplers(2, world: 5, shuffle: false)
        XCTAssertEqual(s.map { $0.indices(epoch: 0) }, [[0], [1], [0], [1], [0]])
    }

    func testDropLastDropsTheTail() {
        let s = samplers(10, world: 4, dropLast: true)
        let order = s[0].globalOrder(epoch: 0)
        for r in 0..<4 {
            XCTAssertEqual(s[r].samplesPerRank, 2)
            XCTAssertEqual(s[r].indices(epoch: 0), [order[r], order[r + 4]])
        }
        let used = Set(s.flatMap { $0.indices(epoch: 0) })
        XCTAssertEqual(used.count, 8, "no sample twice, two dropped")
    }

    func testEveryRankHasTheSameNumberOfBatches() {
        for dropLastBatch in [false, true] {
            let counts = samplers(23, world: 3).map { $0.batches(epoch: 0, batchSize: 3, dropLastBatch: dropLastBatch).count }
            XCTAssertEqual(Set(counts).count, 1, "\(counts)")
            XCTAssertEqual(counts[0], dropLastBatch ? 2 : 3)  // 8 per rank: 3+3+2
        }
        let batches = samplers(23, world: 3)[1].batches(epoch: 0, batchSize: 3, dropLastBatch: false)
        XCTAssertEqual(batches.map(\.count), [3, 3, 2])
    }

    /// The invariant the equivalence of N ranks and one process rests on: the union of every
    /// rank's batch k is one process's batch k of size N·B.
    func testUnionOfRanksGlobalBatchEqualsOneProcessBatch() {
        for (n, world, perRank) in [(100, 4, 5), (96, 2, 16), (64, 4, 16), (100, 2, 50)] {
            let single = samplers(n, world: 1, seed: 11)[0].batches(epoch: 1, batchSize: world * perRank, dropLastBatch: false)
            let ranks = samplers(n, world: world, seed: 11).map { $0.batches(epoch: 1, batchSize: perRank, dropLastBatch: false) }
            XCTAssertEqual(ranks[0].count, single.count, "n \(n) world \(world)")
            for k in 0..<single.count {
                let union = ranks.flatMap { $0[k] }
                XCTAssertEqual(union.sorted(), single[k].sorted(), "n \(n) world \(world) batch \(k)")
            }
        }
    }
}
