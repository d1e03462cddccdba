import Dispatch

/// Seconds spent in each phase of one optimizer step on this rank.
public struct PhaseTimings: Sendable {
    /// Forward pass and loss.
    public var forward = 0.0
    /// Backward pass (overlapped bucket allreduces run during it).
    public var backward = 0.0
    /// Waiting for gradient allreduces after backward.
    public var gradientSync = 0.0
    /// The optimizer update.
    public var optimizer = 0.0
    /// The whole step.
    public var total = 0.0

    /// All phases at zero.
    public init() {}

    /// The phases in the order they are reported: the keys of metrics.jsonl's `timing` object.
    public static let names = MetricsLine.Timing.CodingKeys.allCases.map(\.rawValue)
    /// The phases in the order of ``names`` (the total excluded).
    public var values: [Double] { [forward, backward, gradientSync, optimizer] }
}

/// Phase timings reduced across ranks: the mean and the slowest rank, per phase.
public struct PhaseStatistics: Sendable {
    /// Per phase, the mean over ranks, in seconds.
    public var mean: [Double]
    /// Per phase, the slowest rank's time, in seconds.
    public var max: [Double]

    /// As nested JSON, in milliseconds: {"forward": {"mean_ms": …, "max_ms": …}, …}.
    public func json() -> JSONLine {
        var line = JSONLine()
        for (i, name) in PhaseTimings.names.enumerated() {
            line.add(name, [(MetricsLine.Phase.CodingKeys.meanMs.rawValue, mean[i] * 1e3),
                           (MetricsLine.Phase.CodingKeys.maxMs.rawValue, max[i] * 1e3)])
        }
        return line
    }
}

/// A monotonic clock in seconds.
@inline(__always) func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
@inline(__always) func seconds(_ start: UInt64, _ end: UInt64) -> Double { Double(end &- start) / 1e9 }
