import Foundation
import XCTest

/// Runs `ddp-train` in a process group of its own so that a test can SIGKILL the command and
/// every process it started, as a lost node would. Killing only the parent of a sweep or a study
/// leaves its trial processes running, and they would go on writing into the directory under
/// test; nor does killing its group reach them: Foundation's `Process` starts each child in a
/// process group of its own. So the group is frozen, then its whole process tree is killed.
enum ProcessGroupRun {
    struct Result {
        /// Whether the run was killed before it ended on its own.
        var killed: Bool
        /// The exit status when it ended on its own.
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `ddp-train arguments`; after `killAfter` seconds (if given and still running) sends
    /// SIGKILL to the whole group. Output goes to files (a killed process leaves no pipe half read).
    ///
    /// With `onlyTheCommand`, SIGKILL goes to `ddp-train` alone, once `killWhen` holds (checked
    /// every 10 ms) or `killAfter` has passed, and what it started must end by itself within
    /// `survivorGrace` seconds (`SupervisorWatch`).
    static func run(_ arguments: [String], killAfter: Double? = nil, killWhen: (() -> Bool)? = nil,
                    onlyTheCommand: Bool = false, survivorGrace: Double = 1,
                    timeout: Double = 120, watching directory: URL) throws -> Result {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("ddp-train-group-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: logs) }
        let out = logs.appendingPathComponent("stdout"), err = logs.appendingPathComponent("stderr")

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Group id 0: the child leads a new group whose id is its pid.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let path = DDPTrainProcess.executable.path
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = DDPTrainProcess.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw XCTSkip("posix_spawn failed: \(String(cString: strerror(spawned)))") }

        let deadline = Date().addingTimeInterval(killAfter ?? timeout)
        var status: Int32 = 0
        var ended = false
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { ended = true; break }
            if killWhen?() == true { break }
            usleep(10_000)
        }
        if !ended && onlyTheCommand {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        } else if !ended {
            // SIGSTOP first: a frozen parent starts no child between the listing and the kill.
            kill(-pid, SIGSTOP)
            for child in descendants(of: pid) { kill(child, SIGKILL) }
            kill(-pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        }
        try assertNoSurvivors(writingInto: directory, within: survivorGrace)
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exited = ended && status & 0x7f == 0
        return Result(killed: !ended, status: exited ? (status >> 8) & 0xff : -1,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Every process below `root`, from /proc's parent links.
    static func descendants(of root: pid_t) -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "pid (comm) state ppid …": comm may hold spaces, so fields are counted after ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[pid] = parent }
        }
        var found: [pid_t] = [], frontier = [root]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
    }

    /// Fails (after killing them) if processes whose command line names `directory` are still
    /// alive `seconds` after the kill: they would write into it later. (By default a second, not
    /// longer: a trial left running would finish within a few and hide.)
    static func assertNoSurvivors(writingInto directory: URL, within seconds: Double = 1) throws {
        var survivors: [pid_t] = []
        for _ in 0..<max(1, Int(seconds * 20)) {
            survivors = processes(naming: directory.path)
            if survivors.isEmpty { return }
            usleep(50_000)
        }
        survivors.forEach { kill($0, SIGKILL) }
        XCTFail("processes outlived their killed group: \(survivors)")
    }

    /// Live processes (not zombies, whose command line is empty) with `text` in their arguments.
    static func processes(naming text: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), pid != getpid(),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? pid : nil
        }
    }
}
