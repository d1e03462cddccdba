import Foundation
import Training
import XCTest

/// The pre-emption flag sees a signal sent to the whole process, from whichever thread the
/// kernel picks, and only the first one counts.
final class PreemptionSignalTests: XCTestCase {
    /// `kill(pid, SIGUSR1)`, as `scancel --signal=USR1` and `srun` deliver it, while another
    /// thread busy-waits like a training step: the flag is set within two seconds. With the old
    /// `SIG_IGN` + dispatch-source listener this was lost whenever the main thread did not block it.
    func testProcessDirectedSignalIsSeen() {
        let listener = PreemptionSignal()
        XCTAssertNil(listener.signalReceived)
        let busy = Thread { var x = 0.0; for i in 0..<50_000_000 { x += Double(i) }; _ = x }
        busy.start()
        XCTAssertEqual(kill(getpid(), SIGUSR1), 0)
        XCTAssertEqual(waitForSignal(listener), SIGUSR1)
    }

    /// A signal from another thread's `pthread_kill` (a thread that does not block it) counts too.
    func testThreadDirectedSignalIsSeen() {
        let listener = PreemptionSignal()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            pthread_kill(pthread_self(), SIGTERM)
            done.signal()
        }
        thread.start()
        done.wait()
        XCTAssertEqual(waitForSignal(listener), SIGTERM)
    }

    /// The first signal is the one reported; a new listener forgets what came before it.
    func testFirstSignalWinsAndANewListenerStartsClean() {
        let first = PreemptionSignal()
        kill(getpid(), SIGTERM)
        XCTAssertEqual(waitForSignal(first), SIGTERM)
        kill(getpid(), SIGUSR1)
        usleep(100_000)
        XCTAssertEqual(first.signalReceived, SIGTERM)
        let second = PreemptionSignal()
        XCTAssertNil(second.signalReceived)
        kill(getpid(), SIGUSR1)
        XCTAssertEqual(waitForSignal(second), SIGUSR1)
    }

    private func waitForSignal(_ listener: PreemptionSignal) -> Int32? {
        let deadline = Date().addingTimeInterval(2)
        while listener.signalReceived == nil && Date() < deadline { usleep(1000) }
        return listener.signalReceived
    }
}
