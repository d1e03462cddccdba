import Foundation
import XCTest
@testable import Experiments

/// How a point tells that its sweep is gone: the pid must exist, not be a zombie, and have
/// started when the token says.
final class SupervisorWatchTests: XCTestCase {
    /// Starts `/bin/sh -c script` and returns its pid, unreaped.
    func spawn(_ script: String) throws -> pid_t {
        var pid = pid_t()
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard status == 0 else { throw XCTSkip("posix_spawn failed: \(status)") }
        return pid
    }

    func testThisProcessIsAliveAndItsTokenNamesItsHostAndPid() throws {
        let token = try XCTUnwrap(SupervisorWatch.token(), "/proc is readable on Linux")
        let fields = token.split(separator: " ")
        XCTAssertEqual(fields.count, 3, token)
        XCTAssertEqual(String(fields[1]), "\(getpid())")
        XCTAssertTrue(SupervisorWatch.isAlive(token))
    }

    func testAnEndedProcessIsGoneBeforeAndAfterItIsReaped() throws {
        let child = try spawn("exit 0")
        let token = try XCTUnwrap(SupervisorWatch.token(pid: child), "read while it may still run or be a zombie")
        // Unreaped, it is a zombie: its /proc entry stays, with the same start time.
        var waited = 0
        while FileManager.default.contents(atPath: "/proc/\(child)/stat").map({ String(decoding: $0, as: UTF8.self).contains(") Z ") }) != true,
              waited < 500 { usleep(10_000); waited += 1 }
        XCTAssertFalse(SupervisorWatch.isAlive(token), "a zombie is not a live supervisor")
        var status: Int32 = 0
        XCTAssertEqual(waitpid(child, &status, 0), child)
        XCTAssertFalse(SupervisorWatch.isAlive(token), "a reaped process is gone")
    }

    func testARecycledPidIsNotTheSupervisor() throws {
        let child = try spawn("sleep 5")
        defer { kill(child, SIGKILL); var status: Int32 = 0; waitpid(child, &status, 0) }
        let token = try XCTUnwrap(SupervisorWatch.token(pid: child))
        XCTAssertTrue(SupervisorWatch.isAlive(token))
        let fields = token.split(separator: " ")
        let otherStart = "\(fields[0]) \(fields[1]) \(UInt64(fields[2])! + 1)"
        XCTAssertFalse(SupervisorWatch.isAlive(otherStart), "the same pid with another start time is another process")
    }

    func testAnotherHostsSupervisorOrAMalformedTokenIsNotWatched() {
        XCTAssertTrue(SupervisorWatch.isAlive("no-such-host.invalid 1 1"), "this host cannot tell")
        XCTAssertTrue(SupervisorWatch.isAlive("garbage"))
        XCTAssertNil(SupervisorWatch.start(environment: [SupervisorWatch.environmentKey: "no-such-host.invalid 1 1"]))
        XCTAssertNil(SupervisorWatch.start(environment: [:]))
    }
}
