import Foundation
import XCTest

/// scripts/emulated-cluster.sh: two "hosts" (network namespaces) joined by a shaped 1 Gbit/s
/// link, the ranks talking TCP over it, must train exactly as two ranks over shared memory.
///
/// Skipped, with the reason, where network namespaces cannot be created (not root, no
/// CAP_SYS_ADMIN). CI runs as root, where they can.
final class EmulatedNetworkTests: XCTestCase {
    /// The repository's root, found from this file's path.
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static var script: String { repository.appendingPathComponent("scripts/emulated-cluster.sh").path }

    override func setUpWithError() throws {
        let check = try DDPTrainProcess.launch("/bin/bash", [Self.script, "--check"], timeout: 30)
        if check.status != 0 {
            throw XCTSkip("network namespaces are not available here: \(check.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    func testTwoHostsOverTheEmulatedNetworkMatchSharedMemory() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        let training = ["--preset", "teacher-regression", "--epochs", "1", "--quiet", "--bucket-mb", "0.01"]
        let network = directory.appendingPathComponent("network.safetensors")
        let shared = directory.appendingPathComponent("shared.safetensors")

        let emulated = try DDPTrainProcess.launch("/bin/bash", [
            Self.script, "--hosts", "2", "--rate", "1gbit", "--", DDPTrainProcess.executable.path,
        ] + training + ["--run-dir", directory.appendingPathComponent("network").path, "--save", network.path], timeout: 300)
        XCTAssertEqual(emulated.status, 0, emulated.output)
        XCTAssertTrue(emulated.stderr.contains("2 hosts (10.77.0.1 10.77.0.2)"), emulated.output)
        try assertNoNamespacesLeft(by: emulated)

        let local = try DDPTrainProcess.mpirun(ranks: 2, training + [
            "--run-dir", directory.appendingPathComponent("shared").path, "--save", shared.path,
        ])
        XCTAssertEqual(local.status, 0, local.output)

        // Bitwise: with two ranks every element of the average is a/2 + b/2 (backward is seeded
        // with 1/2) whichever transport, algorithm or piece size carries it (shared memory sends
        // a bucket in 4 MiB pieces, the network whole), and a + b == b + a in floating point.
        let a = try Data(contentsOf: network), b = try Data(contentsOf: shared)
        XCTAssertGreaterThan(a.count, 1000)
        XCTAssertEqual(a, b, "parameters after training over the emulated network differ from shared memory")
    }

    /// Each emulated host is a node of its own to MPI, so buckets go whole over the network.
    func testEmulatedHostsAreSeparateNodes() throws {
        let doctor = try DDPTrainProcess.launch("/bin/bash", [
            Self.script, "--hosts", "2", "--", DDPTrainProcess.executable.path, "doctor",
        ], timeout: 300)
        XCTAssertEqual(doctor.status, 0, doctor.output)
        XCTAssertTrue(doctor.stdout.contains("ranks on several nodes"), doctor.output)
        XCTAssertTrue(doctor.stdout.contains("all collectives OK"), doctor.output)
        try assertNoNamespacesLeft(by: doctor)
    }

    func testFailingJobStillRemovesTheNamespaces() throws {
        let directory = try DDPTrainProcess.temporaryDirectory(self)
        // An unreadable dataset: every rank fails, mpirun exits non-zero.
        let failed = try DDPTrainProcess.launch("/bin/bash", [
            Self.script, "--hosts", "2", "--", DDPTrainProcess.executable.path,
            "--csv", directory.appendingPathComponent("missing.csv").path, "--run-dir", directory.path,
        ], timeout: 300)
        XCTAssertNotEqual(failed.status, 0, failed.output)
        try assertNoNamespacesLeft(by: failed)
    }

    func testRejectsBadOptionsBeforeTouchingTheNetwork() throws {
        let result = try DDPTrainProcess.launch("/bin/bash", [Self.script, "--rate", "fast", "--", "/bin/true"], timeout: 30)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--rate 'fast'"), result.output)
    }

    /// The script names its namespaces (`namespaces ddpemu<pid>-*` on stderr); none may outlive it.
    private func assertNoNamespacesLeft(by run: DDPTrainProcess.Result, file: StaticString = #filePath, line: UInt = #line) throws {
        let words = run.stderr.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let pattern = try XCTUnwrap(words.first { $0.hasPrefix("ddpemu") && $0.hasSuffix("-*") },
                                    "the script did not name its namespaces:\n\(run.output)", file: file, line: line)
        let prefix = pattern.dropLast()  // "ddpemu1234-"
        let list = try DDPTrainProcess.launch("/bin/sh", ["-c", "ip netns list"], timeout: 30)
        let leftovers = list.stdout.split(separator: "\n").filter { $0.hasPrefix(prefix) }
        XCTAssertEqual(leftovers, [], "namespaces left behind:\n\(list.stdout)", file: file, line: line)
    }
}
