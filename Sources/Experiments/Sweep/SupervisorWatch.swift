import Dispatch
import Foundation

/// Ends a run whose `ddp-train sweep` or `critical-batch` has gone.
///
/// A sweep killed with SIGKILL cannot stop what it started, and Foundation's `Process` puts each
/// point in a process group of its own, so killing the sweep's group does not reach them either:
/// the points would train on for minutes, writing into a directory the rerun is about to reuse.
/// So the sweep names itself in each point's environment, and each rank on the sweep's host
/// checks every second that the sweep still lives; when it has gone, the rank exits. Under
/// `mpirun` one rank's exit ends the whole job, ranks on other hosts included.
///
/// The sweep is named by host, pid and the pid's start time (`/proc/PID/stat`), so a recycled
/// pid is not mistaken for it. The watch needs Linux's `/proc`; elsewhere it does nothing.
public enum SupervisorWatch {
    /// The environment variable a sweep sets for its points: `HOST PID START_TIME`.
    public static let environmentKey = "DDP_TRAIN_SUPERVISOR"

    /// The exit status of a run stopped because its sweep has gone: 128 + SIGTERM, as if the
    /// sweep had passed on a termination signal.
    public static let exitStatus: Int32 = 143

    /// This process as a supervisor: `HOST PID START_TIME`, or nil without `/proc`.
    public static func token(pid: pid_t = getpid()) -> String? {
        guard let start = startTime(of: pid) else { return nil }
        return "\(hostName()) \(pid) \(start)"
    }

    /// Whether the supervisor `token` names is alive: its pid exists and started when the
    /// token says. True for a token from another host (this host cannot tell) or one it
    /// cannot read.
    public static func isAlive(_ token: String) -> Bool {
        let fields = token.split(separator: " ")
        guard fields.count == 3, String(fields[0]) == hostName(), let pid = pid_t(fields[1]) else { return true }
        return startTime(of: pid) == String(fields[2])
    }

    /// Starts the watch when `environment` names a supervisor on this host: every `interval`
    /// seconds it checks the supervisor, and once it has gone, says so on standard error and
    /// exits with `exitStatus`. Returns the timer (keep it for the run's life), or nil.
    public static func start(environment: [String: String] = ProcessInfo.processInfo.environment,
                             interval: Double = 1) -> DispatchSourceTimer? {
        guard let token = environment[environmentKey], !token.isEmpty else { return nil }
        let fields = token.split(separator: " ")
        guard fields.count == 3, String(fields[0]) == hostName() else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            guard !isAlive(token) else { return }
            let message = "ddp-train: stopping: the sweep or study that started this run (pid \(fields[1])) has ended; "
                + "rerun it to resume (this run starts again from its beginning)\n"
            FileHandle.standardError.write(Data(message.utf8))
            // _exit, not exit: atexit handlers (Open MPI's among them) could wait on ranks that
            // are leaving the same way.
            _exit(exitStatus)
        }
        timer.resume()
        return timer
    }

    /// The start time of `pid` in clock ticks since boot (field 22 of `/proc/PID/stat`), or nil
    /// when there is no such process or it has ended (a zombie its parent has not yet reaped).
    static func startTime(of pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // "pid (comm) state ppid …": comm may hold spaces, so fields are counted after ')'; the
        // state is field 3, the first after it, and the start time field 22, the 20th.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return String(fields[19])
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
