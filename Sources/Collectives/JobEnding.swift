import Foundation
import Synchronization

/// Once a rank has begun to end the job (`MPICommunicator.abort`), no other thread of it may go
/// on training.
///
/// `MPI_Abort` first tells mpirun, which wakes every other process of the job (SIGCONT, then
/// SIGTERM), and only then ends this process, while its other threads still run. A rank stopped
/// with SIGSTOP, woken so, completes the collective the training thread was waiting in, and the
/// two trained on until the end came: seen under ThreadSanitizer, whose exit sleeps a second, as
/// about 100 more steps, a checkpoint on the woken rank's SIGTERM, and `--keep-checkpoints`
/// pruning the one the timeout message had just named. So the ending thread raises this flag
/// first, and every MPI call that returns afterwards parks its thread until the process is gone.
enum JobEnding {
    private static let ending = Atomic<Bool>(false)

    /// Raises the flag; true for the first caller only, which goes on to end the job.
    static func begin() -> Bool {
        ending.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }

    /// Whether some thread has begun to end the job.
    static var isEnding: Bool { ending.load(ordering: .sequentiallyConsistent) }

    /// Blocks the calling thread for good: the process is about to end.
    static func park() -> Never {
        while true { sleep(3600) }
    }
}
