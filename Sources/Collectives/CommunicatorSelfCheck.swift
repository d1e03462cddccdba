import Foundation

/// Exercises every collective of a communicator with known values; behind `ddp-train doctor`.
///
/// Every rank must call ``run(_:)`` at the same time: the check is itself a sequence of
/// collectives, and it runs the same sequence on every rank whatever it finds (a rank never
/// skips ahead after a failure, which would hang the others).
public enum CommunicatorSelfCheck {
    /// Runs the checks and returns the failures of all ranks, each prefixed with its rank
    /// (`"rank 1: allReduce(Float, sum): element 3 is 2.0, expected 3.0"`); empty means healthy.
    /// Every rank returns the same list.
    public static func run(_ communicator: any Communicator) -> [String] {
        let check = Checker(communicator)
        check.ranks()
        check.allReduces()
        check.broadcasts()
        check.gathers()
        check.compressed(.fp16)
        check.compressed(.bf16)
        check.queue()
        communicator.barrier()
        return check.allFailures()
    }
}

/// The state of one self-check run: the communicator and this rank's failures so far.
private final class Checker {
    let comm: any Communicator
    var failures: [String] = []

    init(_ comm: any Communicator) {
        self.comm = comm
    }

    var rank: Int { comm.rank }
    var size: Int { comm.worldSize }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { failures.append(message()) }
    }

    /// Ranks are distinct and cover `0 ..< worldSize`.
    func ranks() {
        expect(size >= 1 && (0..<size).contains(rank), "rank \(rank) is outside world size \(size)")
        let gathered = comm.allGather([Int64(rank), Int64(size), comm.isSingleNode ? 1 : 0])
        expect(gathered.map { $0[0] } == (0..<size).map { Int64($0) },
               "allGather of ranks gave \(gathered.map { $0[0] }), expected 0..<\(size)")
        expect(gathered.allSatisfy { $0[1] == Int64(size) }, "ranks disagree on the world size: \(gathered)")
        // DataParallel picks its allreduce pieces by it, so every rank must see the same answer.
        expect(Set(gathered.map { $0[2] }).count == 1, "ranks disagree on whether they share one node: \(gathered)")
    }

    /// Each rank contributes `(rank + 1) * pattern[i]`: the sum is `N(N+1)/2 * pattern[i]`,
    /// the max `N * pattern[i]`, the min `pattern[i]`. The values are exact in every type, and
    /// the large count takes MPI's large-message algorithms.
    func allReduces() {
        for count in [7, 100_003] {
            reduce(Float.self, count: count, "Float") { Float($0) }
            reduce(Double.self, count: count, "Double") { Double($0) }
            // Past 2^53, so a reduction through Double would show.
            reduce(Int64.self, count: count, "Int64") { Int64($0) << 40 + 1 }
        }
        reduce(Int32.self, count: 5, "Int32") { Int32($0) }
        let sum = comm.allReduce(Double(rank + 1) * 0.5, op: .sum)
        expect(sum == Double(size * (size + 1)) / 4, "scalar allReduce(Double) gave \(sum)")
    }

    private func reduce<Element: CommunicatorScalar & Numeric>(
        _: Element.Type, count: Int, _ name: String, pattern: (Int) -> Element
    ) {
        let n = Element(exactly: size) ?? 0
        let factor = Element(exactly: rank + 1) ?? 0
        for op in ReduceOp.allCases {
            var values = (0..<count).map { factor * pattern($0 % 13 + 1) }
            comm.allReduce(&values, op: op)
            let multiplier: Element
            switch op {
            case .sum: multiplier = Element(exactly: size * (size + 1) / 2) ?? 0
            case .max: multiplier = n
            case .min: multiplier = 1
            }
            let wrong = (0..<count).first { values[$0] != multiplier * pattern($0 % 13 + 1) }
            if let wrong {
                failures.append("allReduce(\(name), \(op)) of \(count): element \(wrong) is \(values[wrong]), "
                    + "expected \(multiplier * pattern(wrong % 13 + 1))")
            }
        }
    }

    /// Every rank in turn broadcasts a pattern only it knows.
    func broadcasts() {
        for root in Set([0, size / 2, size - 1]).sorted() {
            let expected = (0..<1000).map { Float(root * 1000 + $0) }
            var values = rank == root ? expected : [Float](repeating: -1, count: 1000)
            comm.broadcast(&values, root: root)
            expect(values == expected, "broadcast(Float) from rank \(root) gave wrong values")

            let message = Array("{\"root\": \(root), \"note\": \"config from the root\"}".utf8)
            var bytes = rank == root ? message : Array(repeating: 7, count: rank)
            comm.broadcastBytes(&bytes, root: root)
            expect(bytes == message, "broadcastBytes from rank \(root) gave \(bytes.count) bytes, "
                + "expected \(message.count)")
        }
        var empty: [UInt8] = rank == 0 ? [] : [1, 2, 3]
        comm.broadcastBytes(&empty, root: 0)
        expect(empty.isEmpty, "broadcastBytes of an empty array left \(empty.count) bytes")
    }

    /// Fixed-size and variable-size gathers, including a rank that sends nothing (rank 0).
    func gathers() {
        let doubles = comm.allGather([Double(rank), Double(rank) * 0.25])
        expect(doubles == (0..<size).map { [Double($0), Double($0) * 0.25] },
               "allGather(Double) gave \(doubles)")

        let mine = bytes(for: rank)
        let all = comm.allGatherBytes(mine)
        expect(all == (0..<size).map(bytes(for:)), "allGatherBytes gave lengths \(all.map(\.count))")

        let root = size - 1
        let gathered = comm.gatherBytes(mine, root: root)
        if rank == root {
            expect(gathered == (0..<size).map(bytes(for:)), "gatherBytes gave lengths \(gathered.map(\.count))")
        } else {
            expect(gathered.isEmpty, "gatherBytes returned data on a rank that is not the root")
        }
    }

    /// Rank `r` sends `r * 3` bytes (none from rank 0).
    private func bytes(for rank: Int) -> [UInt8] {
        (0..<(rank * 3)).map { UInt8(truncatingIfNeeded: rank &* 31 &+ $0) }
    }

    /// The compressed average is within the rounding bound of the exact average (all inputs of
    /// one element share a sign), and bitwise the same on all ranks.
    func compressed(_ precision: ReducedPrecision) {
        let tolerance = Float(size) * precision.unitRoundoff * 1.001
        let count = 50_000
        let pattern = { (i: Int) -> Float in Float(i % 101 - 50) * 0.37 + 0.001 * Float(i % 7) }
        var values = (0..<count).map { pattern($0) * Float(rank + 1) }
        comm.allReduceCompressed(&values, precision: precision)
        let mean = Float(size + 1) / 2
        let worst = (0..<count).max { error(values[$0], pattern($0) * mean) < error(values[$1], pattern($1) * mean) }
        if let worst, error(values[worst], pattern(worst) * mean) > tolerance {
            failures.append("allReduceCompressed(\(precision)): element \(worst) is \(values[worst]), "
                + "expected about \(pattern(worst) * mean)")
        }
        let fingerprints = comm.allGather([fingerprint(values)])
        expect(Set(fingerprints.map { $0[0] }).count == 1,
               "allReduceCompressed(\(precision)) results differ between ranks")
    }

    private func error(_ value: Float, _ expected: Float) -> Float {
        abs(value - expected) / max(abs(expected), 1)
    }

    /// FNV-1a over the bit patterns.
    private func fingerprint(_ values: [Float]) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in values {
            hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Queued jobs run in order and give the right sums, while this thread runs its own
    /// collectives on the original communicator.
    func queue() {
        let queue = CommunicationQueue(communicator: comm, name: "ddp-selfcheck")
        let jobs = 8
        let buffers = (0..<jobs).map { job -> UnsafeMutableBufferPointer<Float> in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 4096)
            buffer.initialize(repeating: Float((rank + 1) * (job + 1)))
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        let order = OrderLog()
        var handles: [CommunicationHandle<Void>] = []
        for job in 0..<jobs {
            handles.append(queue.allReduce(buffers[job], op: .sum, label: "bucket \(job)"))
            queue.submit("log \(job)") { _ in order.append(job) }
        }
        // Meanwhile, on this thread, on the original communicator.
        let direct = comm.allReduce(Int64(rank + 1), op: .sum)
        expect(direct == Int64(size * (size + 1) / 2), "allReduce on the compute thread during queued jobs gave \(direct)")
        handles.forEach { $0.wait() }
        let sum = Float(size * (size + 1) / 2)
        for job in 0..<jobs where !buffers[job].allSatisfy({ $0 == sum * Float(job + 1) }) {
            failures.append("queued allReduce \(job) gave \(buffers[job][0]), expected \(sum * Float(job + 1))")
        }
        let gathered = queue.submit("gather") { $0.allGather([Double($0.rank)]) }.wait()
        expect(gathered == (0..<size).map { [Double($0)] }, "queued allGather gave \(gathered)")
        queue.close()
        expect(order.values == Array(0..<jobs), "queued jobs ran in order \(order.values)")
        expect(handles.map(\.sequence) == (0..<jobs).map { $0 * 2 }, "queue numbered jobs \(handles.map(\.sequence))")
    }

    /// Every rank's failures, prefixed with their rank, on every rank.
    func allFailures() -> [String] {
        let mine = Array(failures.map { "rank \(rank): \($0)" }.joined(separator: "\n").utf8)
        return comm.allGatherBytes(mine).flatMap { bytes -> [String] in
            bytes.isEmpty ? [] : String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
        }
    }
}

/// A thread-safe list that queued jobs append to.
private final class OrderLog: @unchecked Sendable {
    // @unchecked Sendable: `entries` is guarded by `lock`.
    private let lock = NSLock()
    private var entries: [Int] = []

    func append(_ value: Int) {
        lock.withLock { entries.append(value) }
    }

    var values: [Int] { lock.withLock { entries } }
}
