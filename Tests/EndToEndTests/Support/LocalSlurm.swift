import Foundation
import XCTest

/// The one-node Slurm cluster of `scripts/slurm/local-cluster.sh`, for the tests that submit
/// the project's own job script. `scripts/test.sh` starts it before the suite (as root) and
/// stops it after; a test run on its own starts it here and stops it at the end.
enum LocalSlurm {
    /// The repository's root, found from this file's path (tests run from the package).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var script: URL { repository.appendingPathComponent("scripts/slurm/local-cluster.sh") }

    /// Where the clients find the cluster: SLURM_CONF when set, else the script's default.
    static var configuration: String {
        ProcessInfo.processInfo.environment["SLURM_CONF"] ?? "/tmp/ddp-train-slurm/slurm.conf"
    }

    /// The test environment plus SLURM_CONF.
    static var environment: [String: String] {
        var env = DDPTrainProcess.environment
        env["SLURM_CONF"] = configuration
        return env
    }

    /// Runs a Slurm client (or any command) with the cluster's environment.
    static func run(_ path: String, _ arguments: [String], timeout: Double = 60) throws -> DDPTrainProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        let start = Date()
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        return .init(status: process.terminationStatus, stdout: text, stderr: "", seconds: Date().timeIntervalSince(start))
    }

    /// A client started by `spawn` and not yet reaped.
    struct Spawned {
        var pid: pid_t

        /// Its exit status if it has exited; otherwise SIGKILLs it and returns nil. Reaps it.
        func end() -> Int32? {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return status & 0x7f == 0 ? (status >> 8) & 0xff : -1 }
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            return nil
        }
    }

    /// Starts a Slurm client with posix_spawn, not waiting for it, its output discarded: for a
    /// call this one-node cluster may hold for seconds while the test goes on.
    static func spawn(_ path: String, _ arguments: [String]) throws -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Unavailable(message: "posix_spawn \(path): \(String(cString: strerror(spawned)))") }
        return Spawned(pid: pid)
    }

    /// Sends `signal` with kill(2) to every live process whose arguments (from /proc) satisfy
    /// `matches`, and returns their pids.
    static func signal(_ signal: Int32, to matches: ([String]) -> Bool) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != getpid(),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard matches(arguments), kill(pid, signal) == 0 else { return nil }
            return pid
        }
    }

    /// True when the node answers idle, mixed or allocated.
    static func isUp() -> Bool {
        guard let sinfo = try? DDPTrainProcess.which("sinfo"),
              let result = try? run(sinfo, ["-h", "-n", "localhost", "-o", "%t"], timeout: 20) else { return false }
        return result.status == 0 && ["idle", "mix", "alloc"].contains(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Makes sure the cluster is up, starting it (and stopping it after `test`) when it is not.
    /// Skips when it cannot be had, except under CI=true, where a cluster that is not up is a
    /// failure: CI runs as root with `scripts/test.sh`, which starts it, so a skip there would hide
    /// a broken set-up.
    static func require(_ test: XCTestCase) throws {
        if isUp() { return }
        let ci = ProcessInfo.processInfo.environment["CI"] == "true"
        var reason = "not root: the local Slurm cluster needs root (scripts/slurm/local-cluster.sh start)"
        if getuid() == 0 {
            let started = try run("/bin/bash", [script.path, "start"], timeout: 600)
            if started.status == 0 && isUp() {
                test.addTeardownBlock { _ = try? run("/bin/bash", [script.path, "stop"]) }
                return
            }
            reason = "scripts/slurm/local-cluster.sh start failed (status \(started.status)):\n\(started.output)"
        }
        if ci { throw Unavailable(message: "CI=true but the local Slurm cluster is not up: \(reason)") }
        throw XCTSkip(reason)
    }

    /// Thrown (a failure, not a skip) when CI expects the cluster and it is not there.
    struct Unavailable: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// One field of `scontrol show job ID` (JobState, ExitCode, Restarts, …).
    static func jobField(_ job: String, _ field: String) -> String? {
        guard let scontrol = try? DDPTrainProcess.which("scontrol"),
              let shown = try? run(scontrol, ["show", "job", job], timeout: 20), shown.status == 0 else { return nil }
        for word in shown.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) where word.hasPrefix(field + "=") {
            return String(word.dropFirst(field.count + 1))
        }
        return nil
    }
}
