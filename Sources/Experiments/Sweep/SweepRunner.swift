import DataFormats
import Foundation
import Training

/// Runs every point of a sweep as a subprocess, resumably, and writes `summary.csv` and
/// `report.html`.
///
/// Layout of the sweep directory:
///
/// ```
/// SWEEP_DIR/sweep.json                 the grid and base configuration
/// SWEEP_DIR/summary.csv, report.html   one row per point; the charts
/// SWEEP_DIR/points/<name>/             the point's run directory (config.json, metrics.jsonl)
///   sweep-config.json                  the --config the point was launched with
///   stdout.log, stderr.log             what it printed
///   done.json                          written after it exited 0: its outcome (a finished point)
///   failed.json                        written when it failed: exit status and last error lines
/// ```
///
/// A point with a `done.json` whose fingerprint matches its current launch is skipped. Any
/// other point (never run, interrupted, failed, or changed) is run again from an empty directory.
public final class SweepRunner {
    /// The points to run.
    public let plan: SweepPlan
    /// The sweep directory: one subdirectory per point.
    public let directory: URL
    /// How each point's process is started.
    public let launcher: SweepLauncher
    /// Process slots: points run in parallel while their ranks fit (a point of R ranks takes R).
    public let jobs: Int
    /// Receives one line per event (start, finish, skip, failure).
    public let log: (String) -> Void
    /// How many lines of a failed point's standard error its error keeps.
    public var errorLines = 12

    /// A runner of `plan` into `directory`, with `jobs` process slots, reporting events to `log`.
    public init(plan: SweepPlan, directory: URL, launcher: SweepLauncher, jobs: Int = 1, log: @escaping (String) -> Void) {
        self.plan = plan
        self.directory = directory.standardizedFileURL
        self.launcher = launcher
        self.jobs = max(jobs, 1)
        self.log = log
    }

    /// The directory of point `name`.
    public func pointDirectory(_ name: String) -> URL {
        directory.appendingPathComponent("points").appendingPathComponent(name)
    }

    /// Runs the points that are not finished, then writes the summary and report. Returns every
    /// point's outcome, in grid order. Point failures are outcomes, not errors; an error here
    /// means the sweep directory itself could not be written.
    @discardableResult
    public func run() throws -> [PointOutcome] {
        try createDirectory(directory.appendingPathComponent("points"))
        try writeManifest()
        var outcomes = [PointOutcome?](repeating: nil, count: plan.points.count)
        var pending: [Int] = []
        for (index, point) in plan.points.enumerated() {
            if let done = finishedOutcome(point) {
                outcomes[index] = done
                log("[\(index + 1)/\(plan.points.count)] skip \(point.name): finished earlier (done.json)")
            } else {
                pending.append(index)
            }
        }
        var running: [RunningPoint] = []
        // Ctrl-C, or SLURM/the shell ending the sweep: stop the points cleanly instead of leaving
        // them running unwatched (ddp-train checkpoints on SIGTERM when it has a checkpoint dir).
        let stop = PreemptionSignal(signals: [SIGINT, SIGTERM])
        while !pending.isEmpty || !running.isEmpty {
            if let signal = stop.signalReceived {
                try stopRunning(running, signal: signal, finished: outcomes.compactMap { $0 })
            }
            let busy = running.reduce(0) { $0 + $1.point.ranks }
            if let next = pending.first, running.isEmpty || busy + plan.points[next].ranks <= jobs {
                pending.removeFirst()
                let point = plan.points[next]
                if point.ranks > jobs && jobs > 1 {
                    log("note: \(point.name) needs \(point.ranks) slots, more than --jobs \(jobs); it runs alone")
                }
                switch start(point, index: next) {
                case let .running(process): running.append(process)
                case let .finished(outcome): outcomes[next] = outcome
                }
                continue
            }
            launcher.waitForAnExit(upTo: 0.02)
            var stillRunning: [RunningPoint] = []
            for item in running {
                if item.process.isRunning { stillRunning.append(item); continue }
                outcomes[item.index] = finish(item)
            }
            running = stillRunning
        }
        let all = outcomes.compactMap { $0 }
        try writeSummary(all)
        return all
    }

    /// summary.csv and report.html for the outcomes so far.
    func writeSummary(_ outcomes: [PointOutcome]) throws {
        try SweepSummaryCSV(grid: plan.grid, outcomes: outcomes).write(to: directory.appendingPathComponent("summary.csv"))
        do {
            try SweepReport(plan: plan, outcomes: outcomes, directory: directory).html()
                .write(to: directory.appendingPathComponent("report.html"))
        } catch {
            throw SweepError("\(directory.appendingPathComponent("report.html").path): cannot write the report (\(error))")
        }
    }

    /// Passes SIGTERM to the running points, waits for them, writes the summary of what
    /// finished, and ends the sweep with an error saying how to resume.
    func stopRunning(_ running: [RunningPoint], signal: Int32, finished: [PointOutcome]) throws -> Never {
        let name = PreemptionSignal.name(signal)
        log("\(name): stopping \(running.count) running point(s); finished points keep their done.json")
        for item in running where item.process.isRunning { kill(item.process.processIdentifier, SIGTERM) }
        for item in running {
            item.process.waitUntilExit()
            item.logs.forEach { try? $0.close() }
        }
        try writeSummary(finished)
        throw SweepInterrupted("stopped by \(name) with \(finished.count) of \(plan.points.count) point(s) finished; "
            + "run the same command again to resume")
    }

    /// A point's launched process and what it needs when it ends.
    struct RunningPoint {
        var index: Int
        var point: SweepPoint
        var process: Process
        var started: Date
        var logs: [FileHandle]
        var fingerprint: String
    }

    enum Started {
        case running(RunningPoint)
        case finished(PointOutcome)
    }

    /// The outcome in `done.json`, when the point finished with the same launch as now.
    func finishedOutcome(_ point: SweepPoint) -> PointOutcome? {
        let url = pointDirectory(point.name).appendingPathComponent("done.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        // A done.json that does not decode (cut short, edited) proves nothing: run the point again,
        // and say so, since a present-but-ignored marker would otherwise puzzle whoever finds it.
        guard let outcome = try? JSONDecoder().decode(PointOutcome.self, from: data) else {
            log("note: \(point.name): its done.json cannot be read; running it again")
            return nil
        }
        guard outcome.status == .ok, outcome.fingerprint == launcher.fingerprint(for: point) else {
            log("note: \(point.name) finished earlier with other settings; running it again")
            return nil
        }
        // The run directory is the record; done.json's copy of the metrics is the fallback. Reading
        // again picks up whatever a newer ddp-train extracts from the same metrics.jsonl.
        var current = outcome
        if let metrics = try? RunMetrics.read(runDirectory: pointDirectory(point.name)) { current.metrics = metrics }
        return current
    }

    /// Clears the point's directory (an interrupted run leaves partial files), writes its
    /// config and launches it.
    func start(_ point: SweepPoint, index: Int) -> Started {
        let dir = pointDirectory(point.name)
        let fingerprint = launcher.fingerprint(for: point)
        let configURL = dir.appendingPathComponent("sweep-config.json")
        let started = Date()
        func failure(_ message: String) -> Started {
            let outcome = PointOutcome(name: point.name, assignments: point.assignments, ranks: point.ranks, status: .failed,
                                       fingerprint: fingerprint, seconds: 0, givenLearningRate: point.givenLearningRate,
                                       error: message)
            record(outcome, index: index)
            return .finished(outcome)
        }
        do {
            try? FileManager.default.removeItem(at: dir)
            try createDirectory(dir)
            try AtomicFileWriter.write(point.configJSON, to: configURL)
        } catch {
            return failure("cannot prepare \(dir.path): \(error)")
        }
        let process: Process, handles: [FileHandle]
        do {
            (process, handles) = try launcher.start(point, configPath: configURL.path, directory: dir)
        } catch {
            return failure("\(error)")
        }
        log("[\(index + 1)/\(plan.points.count)] run \(point.name)" + (point.ranks > 1 ? " on \(point.ranks) ranks" : ""))
        return .running(RunningPoint(index: index, point: point, process: process, started: started, logs: handles,
                                     fingerprint: fingerprint))
    }

    /// Reads a finished process's results and writes its marker.
    func finish(_ item: RunningPoint) -> PointOutcome {
        item.logs.forEach { try? $0.close() }
        let dir = pointDirectory(item.point.name)
        let seconds = Date().timeIntervalSince(item.started)
        var outcome = PointOutcome(name: item.point.name, assignments: item.point.assignments, ranks: item.point.ranks,
                                   status: .failed, fingerprint: item.fingerprint, seconds: seconds,
                                   givenLearningRate: item.point.givenLearningRate)
        let status = item.process.terminationStatus
        if item.process.terminationReason == .uncaughtSignal {
            outcome.error = "killed by signal \(status)" + lastLines(dir)
        } else if status != 0 {
            outcome.exitCode = status
            outcome.error = "exit status \(status)" + lastLines(dir)
        } else {
            do {
                let metrics = try RunMetrics.read(runDirectory: dir)
                outcome.metrics = metrics
                outcome.exitCode = 0
                // A run that reached its targets, or its --max-steps, ended on purpose before the
                // epoch budget; only one that ended otherwise short of it was cut off.
                let ended = (try? RunSummary.read(from: dir))?.ended
                let endedOnPurpose = ended == .targetsReached || ended == .maxSteps
                if let planned = metrics.plannedSteps, metrics.steps < planned, !endedOnPurpose {
                    outcome.error = "stopped early at step \(metrics.steps) of \(planned) (pre-empted?)" + lastLines(dir)
                } else {
                    outcome.status = .ok
                }
            } catch {
                outcome.exitCode = 0
                outcome.error = "exited 0 but \(error)"
            }
        }
        record(outcome, index: item.index)
        return outcome
    }

    /// Writes `done.json` or `failed.json` and logs the result.
    func record(_ outcome: PointOutcome, index: Int) {
        let dir = pointDirectory(outcome.name)
        let marker = dir.appendingPathComponent(outcome.status == .ok ? "done.json" : "failed.json")
        let prefix = "[\(index + 1)/\(plan.points.count)]"
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try createDirectory(dir)
            try AtomicFileWriter.write(try encoder.encode(outcome), to: marker)
        } catch {
            log("\(prefix) warning: cannot write \(marker.path): \(error)")
        }
        if outcome.status == .ok {
            let loss = outcome.metrics?.finalTrainLoss.map { String(format: "%.4g", $0) } ?? "n/a"
            log("\(prefix) ok \(outcome.name) in \(String(format: "%.1f", outcome.seconds)) s: final train loss \(loss)")
        } else {
            let first = (outcome.error ?? "").split(separator: "\n").first.map(String.init) ?? ""
            log("\(prefix) FAILED \(outcome.name): \(first) (details in \(marker.path))")
        }
    }

    /// The last lines of the point's standard error, indented, for the failure record.
    func lastLines(_ dir: URL) -> String {
        let text = (try? String(contentsOf: dir.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(errorLines)
        return lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n")
    }

    /// sweep.json: what the sweep is, for a person reading the directory later.
    func writeManifest() throws {
        let base = try SweepPlan.explicitObject(plan.base)
        let manifest: [String: Any] = [
            "base": base,
            "grid": plan.grid.dimensions.map { ["name": $0.name, "values": $0.values.map(\.jsonObject)] },
            "points": plan.points.map(\.name),
            "trainArguments": launcher.trainArguments,
            "hostfile": launcher.hostfile ?? NSNull(),
            "launcher": launcher.template?.joined(separator: " ") ?? launcher.launcher,
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        do {
            try AtomicFileWriter.write(data, to: directory.appendingPathComponent("sweep.json"))
        } catch {
            throw SweepError("\(directory.path): cannot write sweep.json (\(error.message))")
        }
    }

    func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw SweepError("\(url.path): cannot create the directory (\(TrainingConfig.reason(error)))")
        }
    }
}
