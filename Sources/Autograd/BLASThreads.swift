#if canImport(Glibc)
import Glibc
#endif

/// How many threads OpenBLAS gets in this process, and why.
///
/// A rank that leaves OpenBLAS to its default starts one thread per CPU of the machine, and
/// with several ranks per node those threads fight over the same cores. Each rank therefore
/// picks its count from the CPUs it may run on and the ranks it shares them with, unless the
/// user chose one (`OPENBLAS_NUM_THREADS` or `OMP_NUM_THREADS`, which OpenBLAS itself reads).
public struct BLASThreadChoice: Equatable, Sendable {
    /// The thread count.
    public let threads: Int
    /// Whether it came from the environment (then OpenBLAS already uses it and nothing is set).
    public let fromEnvironment: Bool
    /// Why, in a few words, for the start-up line and `ddp-train doctor`.
    public let reason: String

    /// The choice for a rank allowed to run on `affinityCPUs` of the machine's `onlineCPUs`
    /// (nil when the mask could not be read), with `localRanks` ranks on its node. Pure, so
    /// tests can pass any mask and environment.
    ///
    /// A mask smaller than the machine means the launcher bound this rank (`mpirun
    /// --bind-to core`, Slurm's `--cpus-per-task`): those CPUs are its own and it uses them all.
    /// A mask covering the whole machine is shared by the node's ranks, so each takes its share,
    /// at least one.
    public static func choose(environment: [String: String], affinityCPUs: Int?, onlineCPUs: Int,
                              localRanks: Int) -> BLASThreadChoice {
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            if let value = environment[name], let n = Int(value.trimmingSpaces), n >= 1 {
                return BLASThreadChoice(threads: n, fromEnvironment: true, reason: "\(name)=\(n) set by the user")
            }
        }
        let online = max(onlineCPUs, 1), ranks = max(localRanks, 1)
        guard let mask = affinityCPUs, mask >= 1 else {
            let n = max(online / ranks, 1)
            return BLASThreadChoice(threads: n, fromEnvironment: false,
                                    reason: "affinity mask unreadable; \(online) online CPUs / \(ranks) local rank(s)")
        }
        if mask < online {
            return BLASThreadChoice(threads: mask, fromEnvironment: false,
                                    reason: "affinity mask of \(mask) of \(online) CPUs (bound by the launcher)")
        }
        let n = max(mask / ranks, 1)
        return BLASThreadChoice(threads: n, fromEnvironment: false,
                                reason: "affinity mask of all \(mask) CPUs shared by \(ranks) local rank(s)")
    }

    /// The choice for this process: its affinity mask (`sched_getaffinity`), the online CPUs, and
    /// Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE` (1 when not launched by `mpirun`).
    public static func forThisProcess(environment: [String: String]) -> BLASThreadChoice {
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
        return choose(environment: environment, affinityCPUs: affinityCPUCount(), onlineCPUs: onlineCPUCount(),
                      localRanks: local)
    }

    /// Applies the choice: sets OpenBLAS's thread count unless the environment already did.
    public func apply() {
        if !fromEnvironment { BLAS.setThreadCount(threads) }
    }

    /// One line: "OpenBLAS threads: 1 (OPENBLAS_NUM_THREADS=1 set by the user)".
    public var description: String { "OpenBLAS threads: \(threads) (\(reason))" }

    /// The CPUs in this thread's affinity mask, or nil where it cannot be read.
    public static func affinityCPUCount() -> Int? {
        #if os(Linux)
        // Glibc's Swift module leaves out the GNU-only sched_getaffinity, so it is looked up by
        // name; 1,024 CPUs of mask is glibc's cpu_set_t.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        guard let symbol = dlsym(nil, "sched_getaffinity") else { return nil }
        let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
        var words = [UInt64](repeating: 0, count: 16)
        let status = words.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress!) }
        guard status == 0 else { return nil }
        return words.reduce(0) { $0 + $1.nonzeroBitCount }
        #else
        return nil
        #endif
    }

    /// The online CPUs of the machine.
    public static func onlineCPUCount() -> Int {
        #if canImport(Glibc)
        return max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
        #else
        return 1
        #endif
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let s = drop { $0 == " " }
        return s.prefix { $0 != " " }
    }
}
