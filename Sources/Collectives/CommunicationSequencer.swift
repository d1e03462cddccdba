import Foundation

/// Hands out consecutive job numbers, running `body` under the same lock so that numbering
/// and enqueueing happen in one order even when several threads submit.
final class CommunicationSequencer: @unchecked Sendable {
    // @unchecked Sendable: `count` is guarded by `lock`.
    private let lock = NSLock()
    private var count = 0

    func next<Result>(_ body: (Int) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        let sequence = count
        count += 1
        return body(sequence)
    }
}
