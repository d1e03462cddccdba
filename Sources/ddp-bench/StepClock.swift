import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock and this thread's CPU time, read together.
///
/// On a shared machine the wall clock also counts the time other processes held the core;
/// the thread's CPU time does not, so both are reported. PyTorch's script reports wall time.
struct StepClock {
    let wall: UInt64
    let cpu: UInt64

    static func now() -> StepClock {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return StepClock(wall: DispatchTime.now().uptimeNanoseconds,
                         cpu: UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec))
    }

    /// Seconds of wall and CPU time from `start` to `self`.
    func since(_ start: StepClock) -> (wall: Double, cpu: Double) {
        (Double(wall &- start.wall) / 1e9, Double(cpu &- start.cpu) / 1e9)
    }
}

/// Per-call times of a repeated operation, in seconds.
struct Timings {
    var wall: [Double] = []
    var cpu: [Double] = []

    var count: Int { wall.count }
    var medianWall: Double { Timings.median(wall) }
    var medianCPU: Double { Timings.median(cpu) }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Calls `body` `warmup` times untimed, then times each call until `seconds` have passed
    /// and at least `minimumCalls` were made, as `scripts/bench_pytorch.py` does.
    ///
    /// The arrays that hold the times are allocated and written once before timing starts,
    /// sized from the warm-up's pace, so that they do not grow (and show up as resident memory
    /// the engine did not use) while the body runs.
    /// `afterWarmup` runs once the warm-up calls are done and the arrays exist.
    static func measure(warmup: Int, seconds: Double, minimumCalls: Int, _ body: () -> Void,
                        afterWarmup: () -> Void = {}) -> Timings {
        let warmupStart = StepClock.now()
        for _ in 0..<warmup { body() }
        let perCall = warmup > 0 ? StepClock.now().since(warmupStart).wall / Double(warmup) : 1e-3
        let expected = Int(min(seconds / max(perCall, 1e-7) * 2, 10_000_000)) + minimumCalls
        var wall = [Double](repeating: 0, count: expected), cpu = [Double](repeating: 0, count: expected)
        afterWarmup()
        var calls = 0
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline || calls < minimumCalls {
            let start = StepClock.now()
            body()
            let (w, c) = StepClock.now().since(start)
            if calls < expected {
                wall[calls] = w
                cpu[calls] = c
            } else {
                wall.append(w)
                cpu.append(c)
            }
            calls += 1
        }
        return Timings(wall: Array(wall.prefix(calls)), cpu: Array(cpu.prefix(calls)))
    }
}
