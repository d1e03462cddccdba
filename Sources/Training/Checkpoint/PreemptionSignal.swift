import Dispatch
import Foundation

/// Turns SIGTERM and SIGUSR1 (what SLURM sends before it kills a job) into a flag the training
/// loop reads at each step boundary, so that all ranks can agree to checkpoint and exit cleanly.
public final class PreemptionSignal: @unchecked Sendable {
    // @unchecked: `received` is guarded by `lock`; the sources are only touched in init.
    private let lock = NSLock()
    private var received: Int32 = 0
    private var sources: [DispatchSourceSignal] = []

    /// Starts listening for `signals`. The default action (termination) is replaced for as long
    /// as this object lives.
    public init(signals: [Int32] = [SIGTERM, SIGUSR1]) {
        // A blocked signal is never delivered, and the mask is inherited from whoever started
        // us (a test runner, a batch system's wrapper). Unblock ours on this thread, which
        // then receives them.
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.record(number) }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for s in sources { s.cancel() }
    }

    private func record(_ number: Int32) {
        lock.lock()
        if received == 0 { received = number }
        lock.unlock()
    }

    /// The first signal received, or nil.
    public var signalReceived: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received == 0 ? nil : received
    }

    /// A readable signal name.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGUSR1: "SIGUSR1"
        case SIGINT: "SIGINT"
        default: "signal \(number)"
        }
    }
}
