import Foundation
import Training

/// How a sweep starts each point: the real `ddp-train` binary, alone for one rank, under
/// `mpirun -np R` (or another launcher with mpirun's arguments) for more.
public struct SweepLauncher: Sendable {
    /// The `ddp-train` executable every point runs.
    public var executable: String
    /// The multi-rank launcher: a path to `mpirun`, or a script that takes mpirun's arguments
    /// (`-np R [--hostfile F] [--oversubscribe] PROGRAM ARGS…`).
    public var launcher: String
    /// A launcher command line with `{ranks}` where the rank count goes, used instead of
    /// `launcher` and its mpirun-style arguments: the point's program and arguments follow it.
    /// E.g. `["scripts/emulated-cluster.sh", "--hosts", "{ranks}", "--"]`.
    public var template: [String]?
    /// Whether `launcher` is Open MPI's own `mpirun` (then `-x OPENBLAS_NUM_THREADS` forwards the
    /// BLAS thread count to ranks on other hosts).
    public var launcherIsMPIRun: Bool
    /// `--hostfile` for multi-rank points.
    public var hostfile: String?
    /// Allow more ranks than slots (`--oversubscribe`).
    public var oversubscribe: Bool
    /// Extra launcher arguments, before the program (`--bind-to core`, `--map-by ppr:2:node`).
    public var launcherArguments: [String]
    /// Extra `ddp-train train` flags every point gets that are not config fields
    /// (`--diagnostics-every 5`, `--check-replicas-every 10`).
    public var trainArguments: [String]
    /// `sweep --tensorboard DIR`: each point logs to `DIR/<point>` (`SweepTensorBoard`). Not
    /// part of the fingerprint: where events go does not change what a point computes.
    public var tensorboardRoot: String?
    /// `--log-level` for every point (nil: the default). Not part of the fingerprint either: how
    /// much a point logs does not change what it computes.
    public var logLevel: String?
    /// Where points keep generated teacher data (`TeacherDataCache`), shared by every point;
    /// nil: each point generates its own. Not part of the fingerprint: the data read back are
    /// the data generated, bit for bit.
    public var dataCache: String?
    /// Signalled once by each process `start` launched, when it ends: what the supervisors wait
    /// on between polls, so the next trial starts as soon as one ends, not up to a poll later.
    private let exits = DispatchSemaphore(value: 0)

    /// A launcher for `executable`; by default through mpirun on this host, with nothing extra.
    public init(executable: String, launcher: String, template: [String]? = nil, launcherIsMPIRun: Bool = true,
                hostfile: String? = nil, oversubscribe: Bool = false, launcherArguments: [String] = [],
                trainArguments: [String] = []) {
        self.executable = executable
        self.launcher = launcher
        self.template = template
        self.launcherIsMPIRun = launcherIsMPIRun
        self.hostfile = hostfile
        self.oversubscribe = oversubscribe
        self.launcherArguments = launcherArguments
        self.trainArguments = trainArguments
    }

    /// The program and arguments that run `point` with its config file, writing into `runDirectory`.
    public func command(for point: SweepPoint, configPath: String, runDirectory: String) -> (program: String, arguments: [String]) {
        let train = ["train", "--preset", point.config.preset, "--config", configPath, "--run-dir", runDirectory, "--quiet"]
            + trainArguments
            + (tensorboardRoot.map { ["--tensorboard", SweepTensorBoard.pointDirectory(root: $0, point: point)] } ?? [])
            + (logLevel.map { ["--log-level", $0] } ?? [])
        guard point.ranks > 1 else { return (executable, train) }
        if let template, let program = template.first {
            let filled = template.dropFirst().map { $0.replacingOccurrences(of: "{ranks}", with: "\(point.ranks)") }
            return (program, filled + [executable] + train)
        }
        var arguments = ["-np", "\(point.ranks)"]
        if let hostfile { arguments += ["--hostfile", hostfile] }
        if oversubscribe { arguments.append("--oversubscribe") }
        if launcherIsMPIRun { arguments += ["-x", "OPENBLAS_NUM_THREADS"] }
        arguments += launcherArguments
        return (launcher, arguments + [executable] + train)
    }

    /// Starts `point` in `directory` (its run directory) with its output in `stdout.log` and
    /// `stderr.log` there. Returns the running process and the two log handles, which the caller
    /// closes when the process has ended.
    public func start(_ point: SweepPoint, configPath: String, directory: URL) throws -> (process: Process, logs: [FileHandle]) {
        let (program, arguments) = command(for: point, configPath: configPath, runDirectory: directory.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var environment = SweepLauncher.environment()
        if let dataCache { environment[TeacherDataCache.environmentKey] = dataCache }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var handles: [FileHandle] = []
        for name in ["stdout.log", "stderr.log"] {
            let url = directory.appendingPathComponent(name)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: url.path) else {
                handles.forEach { try? $0.close() }
                throw SweepError("cannot write \(url.path)")
            }
            handles.append(handle)
        }
        process.standardOutput = handles[0]
        process.standardError = handles[1]
        process.standardInput = FileHandle.nullDevice
        let exits = self.exits
        process.terminationHandler = { _ in exits.signal() }
        do {
            try process.run()
        } catch {
            handles.forEach { try? $0.close() }
            throw SweepError("cannot start \(program): \(TrainingConfig.reason(error))")
        }
        return (process, handles)
    }

    /// Returns when a process `start` launched has ended since the last call, or after
    /// `seconds`, whichever comes first. Callers still check every process: an end may have
    /// been taken by an earlier call, so this is a shorter wait, never the only way to see one.
    public func waitForAnExit(upTo seconds: Double) {
        _ = exits.wait(timeout: .now() + seconds)
    }

    /// What a point's launch depends on besides its config: a finished point whose fingerprint
    /// differs from the current one is run again when the sweep resumes.
    /// (The ddp-train binary's path is left out: a rebuilt or moved binary keeps finished points.)
    public func fingerprint(for point: SweepPoint) -> String {
        var launch = "ranks=\(point.ranks)"
        if point.ranks > 1 {
            let prefix = template ?? ([launcher] + (hostfile.map { ["--hostfile", $0] } ?? []) + (oversubscribe ? ["--oversubscribe"] : [])
                + launcherArguments)
            launch += " launcher=" + prefix.joined(separator: " ")
        }
        return launch + " train=" + trainArguments.joined(separator: " ") + "\n" + String(decoding: point.configJSON, as: UTF8.self)
    }

    /// The environment for every point: the caller's, with one BLAS thread per process unless
    /// set (points and ranks share cores), this process named as the points' supervisor (a
    /// point whose sweep is killed stops within a second: `SupervisorWatch`), and, as root,
    /// what Open MPI needs to agree to run.
    public static func environment(_ base: [String: String] = ProcessInfo.processInfo.environment,
                                   isRoot: Bool = geteuid() == 0) -> [String: String] {
        var env = base
        if env["OPENBLAS_NUM_THREADS"] == nil { env["OPENBLAS_NUM_THREADS"] = "1" }
        env[SupervisorWatch.environmentKey] = SupervisorWatch.token()
        if isRoot {
            env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        }
        return env
    }

    /// The full path of `name` on `PATH`, or nil.
    public static func which(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
