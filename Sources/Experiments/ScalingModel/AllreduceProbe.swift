import Collectives
import Foundation
import Training

/// Measures the allreduce latency α and inverse bandwidth β of the current launch by timing
/// allreduces of a small and a large message across every rank.
///
/// Each timing is the slowest rank's, after a barrier, and the median over repetitions. The
/// two sizes give two equations of the ring model, t = 2(P−1)α + 2(P−1)/P·n·β, solved for α
/// and β. Open MPI picks other algorithms for small messages (recursive doubling), so α is the
/// latency the ring formula needs to match the small message, not the network's one-way latency.
public enum AllreduceProbe {
    /// The measurement and the fit.
    public struct Result: Sendable {
        /// The number of ranks measured.
        public var ranks: Int
        /// The small message's size, in bytes.
        public var smallBytes: Int
        /// The small message's allreduce time, in seconds.
        public var smallSeconds: Double
        /// The large message's size, in bytes.
        public var largeBytes: Int
        /// The large message's allreduce time, in seconds.
        public var largeSeconds: Double
        /// The fitted per-step latency α, in seconds.
        public var alphaSeconds: Double
        /// The fitted per-byte cost β, in seconds per byte.
        public var betaSecondsPerByte: Double
    }

    /// Collective: every rank must call it with the same arguments. Needs at least 2 ranks.
    public static func measure(_ communicator: any Communicator, smallBytes: Int = 8, largeBytes: Int = 16 << 20,
                               repetitions: Int = 10) -> Result {
        let small = time(communicator, floats: max(smallBytes / 4, 1), repetitions: repetitions * 4)
        let large = time(communicator, floats: max(largeBytes / 4, 1), repetitions: repetitions)
        let (alpha, beta) = fit(ranks: communicator.worldSize, small: (Double(max(smallBytes / 4, 1) * 4), small),
                                large: (Double(max(largeBytes / 4, 1) * 4), large))
        return Result(ranks: communicator.worldSize, smallBytes: max(smallBytes / 4, 1) * 4, smallSeconds: small,
                      largeBytes: max(largeBytes / 4, 1) * 4, largeSeconds: large, alphaSeconds: alpha, betaSecondsPerByte: beta)
    }

    /// α and β from two timings under the ring model, each clamped at 0 (noise can make the
    /// small message look slower than its share of the large one).
    public static func fit(ranks: Int, small: (bytes: Double, seconds: Double),
                           large: (bytes: Double, seconds: Double)) -> (alpha: Double, beta: Double) {
        guard ranks > 1, large.bytes > small.bytes else { return (0, 0) }
        let p = Double(ranks)
        let latencyTerms = 2 * (p - 1)
        let bandwidthFactor = 2 * (p - 1) / p
        let beta = max(0, (large.seconds - small.seconds) / (bandwidthFactor * (large.bytes - small.bytes)))
        let alpha = max(0, (small.seconds - bandwidthFactor * small.bytes * beta) / latencyTerms)
        return (alpha, beta)
    }

    static func time(_ communicator: any Communicator, floats: Int, repetitions: Int) -> Double {
        var buffer = [Float](repeating: 0, count: floats)  // zeros: repeated sums never overflow
        var times: [Double] = []
        for r in 0..<(repetitions + 2) {
            communicator.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            buffer.withUnsafeMutableBufferPointer { communicator.allReduce($0, op: .sum) }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let slowest = communicator.allReduce(elapsed, op: .max)
            if r >= 2 { times.append(slowest) }  // the first two pay for connection set-up
        }
        return ComputeProfile.median(times)
    }
}
