import Foundation
import Synchronization

/// The first listened-for signal since the newest `PreemptionSignal` started listening; 0 for none.
/// A global because a C signal handler can capture nothing; an atomic because storing to it is
/// all the handler may safely do.
private let firstSignalReceived = Atomic<Int32>(0)

/// Turns SIGTERM and SIGUSR1 (what SLURM sends before it kills a job) into a flag the training
/// loop reads at each step boundary, so that all ranks can agree to checkpoint and exit cleanly.
///
/// A real `sigaction` handler, not `SIG_IGN` plus a dispatch signal source: on Linux a dispatch
/// source reads a `signalfd`, which only sees signals that stay pending, and the kernel discards a
/// process-directed signal at once when its disposition is `SIG_IGN` and the main thread does not
/// block it. That is how single `scancel --signal=USR1` signals were lost under Slurm.
public final class PreemptionSignal: Sendable {

    /// Starts listening for `signals` (and forgets any received before). Their default action
    /// (termination) is replaced for the rest of the process, not just this object's life: a
    /// second signal from a batch system while a pre-empted rank writes its summary and exits
    /// must not kill it and lose the pre-empted exit status.
    public init(signals: [Int32] = [SIGTERM, SIGUSR1]) {
        firstSignalReceived.store(0, ordering: .sequentiallyConsistent)
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals {
            sigaddset(&set, number)
            Self.install(number, handler: { number in
                _ = firstSignalReceived.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent)
            })
        }
        // A blocked signal stays pending forever, and the mask is inherited from whoever started
        // us (a test runner, a batch system's wrapper): unblock ours on this thread, which then
        // takes them if every other thread blocks them.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Sets `number`'s action to `handler`. `SA_RESTART`: a rank blocked in a read or an MPI call
    /// carries on and notices the flag at the next step.
    private static func install(_ number: Int32, handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigaction(number, &action, nil)
    }

    /// The first signal received, or nil.
    public var signalReceived: Int32? {
        let number = firstSignalReceived.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
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
