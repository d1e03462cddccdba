import Foundation
import XCTest

/// scripts/emulated-cluster.sh: two "hosts" (network namespaces) joined by a shaped 1 Gbit/s
/// link, the ranks talking TCP over it, must train exactly as two ranks over shared memory.
///
/// Skipped, with the reason, where network namespaces cannot be created (not root, no
/// CAP_SYS_ADMIN). CI runs as root, where they can.
final class EmulatedNetworkTests: XCTestCase {
    private static var script: String { EmulatedCluster.script }

    override func setUpWithError() throws {
        try EmulatedCluster.skipUnlessAvailable()
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

    /// Each bad option: one clear line, exit 2, and no namespace made (no "namespaces" line).
    func testRejectsBadOptionsBeforeTouchingTheNetwork() throws {
        let cases: [([String], String)] = [
            (["--rate", "fast"], "--rate 'fast'"),
            (["--loss", "lots"], "--loss 'lots' must be a percentage from 0 to 100"),
            (["--loss", "101"], "--loss '101' must be a percentage from 0 to 100"),
            (["--loss", "-1"], "--loss '-1' must be a percentage from 0 to 100"),
            (["--delay", "abc"], "--delay 'abc' must be a number of milliseconds"),
            (["--delay", "20", "--jitter", "30"], "--jitter '30' must be a number of milliseconds no larger than --delay (20)"),
            (["--jitter", "5"], "--jitter goes with --delay"),
            (["--link-down-after", "5"], "--link-down-after and --link-down-for go together"),
            (["--link-down-for", "forever"], "--link-down-after and --link-down-for go together"),
            (["--link-down-after", "soon", "--link-down-for", "5"], "--link-down-after 'soon' must be a number of seconds"),
            (["--link-down-after", "5", "--link-down-for", "0"], "--link-down-for '0' must be a positive number of seconds, or forever"),
            (["--link-down-after", "5", "--link-down-for", "never"], "--link-down-for 'never' must be a positive number of seconds, or forever"),
            (["--hosts", "1", "--link-down-after", "5", "--link-down-for", "5"], "--link-down-after needs --hosts 2 or more"),
        ]
        for (options, message) in cases {
            let result = try DDPTrainProcess.launch("/bin/bash", [Self.script] + options + ["--", "/bin/true"], timeout: 30)
            XCTAssertEqual(result.status, 2, "\(options): \(result.output)")
            XCTAssertTrue(result.stderr.contains("emulated-cluster: error: " + message), "\(options): \(result.output)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(options): more than one line: \(result.output)")
            XCTAssertNil(EmulatedCluster.namespacePrefix(in: result.output), "\(options): \(result.output)")
        }
    }

    private func assertNoNamespacesLeft(by run: DDPTrainProcess.Result, file: StaticString = #filePath, line: UInt = #line) throws {
        try EmulatedCluster.assertNoNamespacesLeft(after: run.stderr, file: file, line: line)
    }
}
