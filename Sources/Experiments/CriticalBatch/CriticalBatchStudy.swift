import DataFormats
import Foundation
import Training

/// `ddp-train critical-batch`: for each architecture and batch, tunes the learning rate for the
/// fewest steps to the target, reruns the choice and its neighbours on fresh seeds, fits
/// S(B) = S_min·(1 + B_crit/B), and writes critical-batch.json, .csv and .html.
///
/// Every trial is a `ddp-train train` subprocess (under the launcher for more than one rank) in
/// its own directory, `trials/<architecture>/b<batch>/<phase>-lr<lr>-seed<seed>/`. A trial whose
/// summary.json matches its configuration is reused, so rerunning the same command resumes:
/// the searches replay the same decisions from the same outcomes, and only what is missing runs.
public final class CriticalBatchStudy {
    /// The study directory: trials and results go under it.
    public let directory: URL
    /// The grid's architectures, in grid order.
    public let architectures: [CriticalBatchArchitecture]
    /// What the study measures.
    public let settings: CriticalBatchSettings
    /// How each trial's process is started.
    public let launcher: SweepLauncher
    /// Process slots: trials run side by side while their ranks fit.
    public let jobs: Int
    /// Receives one line per event (start, finish, reuse, failure) with elapsed time and ETA.
    public let log: (String) -> Void
    private let base: TrainingConfig
    private var trialsRun = 0
    private var trialsReused = 0
    /// Wall seconds × ranks of the trials this invocation ran.
    private var coreSeconds = 0.0
    private let started = Date()

    /// Checks the whole study (grid, batches, targets, caps) before anything runs.
    public init(base: TrainingConfig, grid: SweepGrid, settings: CriticalBatchSettings, directory: URL,
                launcher: SweepLauncher, jobs: Int, log: @escaping (String) -> Void) throws {
        let architectures = try CriticalBatchArchitecture.expand(base: base, grid: grid)
        try settings.validate(base: base, ranks: architectures.map(\.ranks))
        self.base = base
        self.architectures = architectures
        self.settings = settings
        self.directory = directory.standardizedFileURL
        self.launcher = launcher
        self.jobs = max(jobs, 1)
        self.log = log
    }

    /// A trial launched as a process.
    private struct Running {
        let trial: CriticalBatchTrial
        let measurement: BatchMeasurement
        let process: Process
        let logs: [FileHandle]
    }

    /// Runs every trial not already done, then writes the results. Returns them.
    @discardableResult
    public func run() throws -> CriticalBatchResult {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let measurements = architectures.flatMap { a in settings.batchSizes.sorted().map { BatchMeasurement(architecture: a, batch: $0, settings: settings) } }
        var running: [Running] = []
        let stop = SignalStop()
        while true {
            var launchedOrReused = false
            for m in measurements {
                for trial in m.readyTrials() {
                    if let summary = reusableSummary(trial) {
                        m.started(trial)
                        m.finished(trial, summary: summary)
                        trialsReused += 1
                        launchedOrReused = true
                        continue
                    }
                    guard running.reduce(0, { $0 + $1.trial.ranks }) + trial.ranks <= max(jobs, trial.ranks) || running.isEmpty
                    else { continue }
                    m.started(trial)
                    launchedOrReused = true
                    do {
                        running.append(try launch(trial, for: m))
                    } catch {
                        m.failed(trial, message: "\(error)")
                        log("FAILED \(trial.relativePath): \(error)")
                    }
                }
            }
            if running.isEmpty && !launchedOrReused { break }
            if launchedOrReused { continue }
            if let signal = stop.received {
                for r in running { r.process.interrupt() }
                for r in running { r.process.waitUntilExit() }
                throw SweepInterrupted("received \(signal): stopped; finished trials are kept, rerun the same command to resume")
            }
            // Wait for any trial to end.
            if let index = running.firstIndex(where: { !$0.process.isRunning }) {
                let r = running.remove(at: index)
                finish(r, measurements: measurements)
            } else {
                launcher.waitForAnExit(upTo: 0.02)
            }
        }
        let result = makeResult(measurements)
        try CriticalBatchOutput(result: result).write(to: directory)
        let failures = measurements.compactMap(\.failure)
        if !failures.isEmpty {
            throw SweepError("\(failures.count) batch(es) could not be measured: \(failures.joined(separator: "; ")); "
                + "the results written leave them out; rerun the same command to retry them")
        }
        return result
    }

    /// A finished trial's summary, when its directory holds one for exactly this configuration.
    private func reusableSummary(_ trial: CriticalBatchTrial) -> RunSummary? {
        let dir = directory.appendingPathComponent(trial.relativePath)
        let file = dir.appendingPathComponent("summary.json")
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        // A summary that does not decode (cut short, edited) proves nothing: the trial runs again,
        // and the log says why, since its directory looked finished.
        guard let summary = try? RunSummary.read(from: dir) else {
            log("note: \(trial.relativePath): its summary.json cannot be read; running it again")
            return nil
        }
        guard summary.configHash == RunSummary.hash(trial.config), summary.ended != .preempted else { return nil }
        return summary
    }

    private func launch(_ trial: CriticalBatchTrial, for measurement: BatchMeasurement) throws -> Running {
        let dir = directory.appendingPathComponent(trial.relativePath)
        // An interrupted or changed trial leaves partial files: it starts again from nothing.
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let object = try SweepPlan.explicitObject(trial.config)
        let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        let configURL = dir.appendingPathComponent("trial-config.json")
        try AtomicFileWriter.write(json, to: configURL)
        let point = SweepPoint(name: trial.relativePath, assignments: [], ranks: trial.ranks, config: trial.config, configJSON: json)
        let (process, handles) = try launcher.start(point, configPath: configURL.path, directory: dir)
        log("\(progress()) run \(trial.relativePath)\(trial.ranks > 1 ? " on \(trial.ranks) ranks" : "")")
        return Running(trial: trial, measurement: measurement, process: process, logs: handles)
    }

    private func finish(_ r: Running, measurements: [BatchMeasurement]) {
        r.logs.forEach { try? $0.close() }
        trialsRun += 1
        let dir = directory.appendingPathComponent(r.trial.relativePath)
        // A diverged run exits non-zero, but its summary says how it ended: an outcome.
        if let summary = try? RunSummary.read(from: dir), summary.configHash == RunSummary.hash(r.trial.config),
           summary.ended != .preempted {
            coreSeconds += summary.wallSeconds * Double(r.trial.ranks)
            r.measurement.finished(r.trial, summary: summary)
            let outcome = r.trial.outcome(from: summary)
            // A run that ran out of epochs before the study's cap is censored too early: say so,
            // or a reader takes "censored at step 600" for the cap.
            let earlyEnd = summary.ended == .finished && !outcome.reachedTarget && summary.steps < r.trial.studyCap
                ? " (its --epochs ran out before --max-steps \(r.trial.studyCap): raise --epochs)" : ""
            log("\(progress(measurements)) \(outcome.status) at step \(outcome.steps)\(earlyEnd): \(r.trial.relativePath)")
        } else {
            let stderr = (try? String(contentsOf: dir.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
            let last = stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(r.process.terminationStatus)"
            r.measurement.failed(r.trial, message: last)
            log("\(progress(measurements)) FAILED \(r.trial.relativePath): \(last)")
        }
    }

    /// `[done/≈total] 12m03s elapsed, ETA 40m`: the total is an estimate (searches adapt), from
    /// the trials a search typically needs and the evaluations it will then run.
    private func progress(_ measurements: [BatchMeasurement] = []) -> String {
        let done = trialsRun + trialsReused
        let perBatch = 5 + 2 * settings.refinements + 3 * settings.seeds
        let estimate = max(done, architectures.count * settings.batchSizes.count * perBatch)
        let elapsed = Date().timeIntervalSince(started)
        let eta = trialsRun > 0 ? elapsed / Double(trialsRun) * Double(estimate - done) : 0
        return "[\(done)/≈\(estimate)] \(Self.duration(elapsed)) elapsed, ETA \(Self.duration(eta))"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }

    private func makeResult(_ measurements: [BatchMeasurement]) -> CriticalBatchResult {
        var computeSeconds = 0.0, evaluationSeconds = 0.0
        let architectures = architectures.map { a in
            let mine = measurements.filter { $0.architecture.name == a.name }
            let batches = mine.map { $0.result(resamples: settings.resamples, seed: base.seed) }
            for b in batches {
                computeSeconds += b.trials.reduce(0) { $0 + $1.seconds + $1.evaluationSeconds }
                evaluationSeconds += b.trials.reduce(0) { $0 + $1.evaluationSeconds }
            }
            let fit = ScalingFit(summaries: batches.compactMap(\.stepsSummary), resamples: settings.resamples, seed: base.seed)
            let tuned = zip(mine, batches).compactMap { m, _ in m.search.result.flatMap { TunedLearningRate(batch: m.batch, search: $0) } }
            let noise = NoiseScaleFit(tuned: tuned, resamples: settings.resamples, seed: base.seed)
            let bSimple = batches.flatMap(\.bSimpleAtTarget)
            let vanishing = batches.flatMap(\.vanishingFactorAtInit)
            return CriticalBatchResult.Architecture(
                name: a.name, config: Dictionary(uniqueKeysWithValues: a.assignments.map { ($0.name, $0.value) }),
                ranks: a.ranks, batches: batches,
                fit: .init(status: fit.status.rawValue, sMin: fit.sMin, sMinCI: CriticalBatchResult.pair(fit.sMinInterval),
                           eMin: fit.eMin, eMinCI: CriticalBatchResult.pair(fit.eMinInterval), bCrit: fit.bCrit,
                           bCritCI: CriticalBatchResult.pair(fit.bCritInterval), excludedBatches: fit.excludedBatches,
                           bSimple: Self.medianEstimate(bSimple, resamples: settings.resamples, seed: base.seed),
                           bNoise: .init(value: noise.bNoise, ci: CriticalBatchResult.pair(noise.bNoiseInterval)),
                           epsilonMax: .init(value: noise.epsilonMax, ci: CriticalBatchResult.pair(noise.epsilonMaxInterval)),
                           bNoiseStatus: noise.status.rawValue),
                vanishingFactorAtInit: vanishing.isEmpty ? nil : StepsSummary.median(vanishing))
        }
        let targets = (base.targets ?? []).map(\.description)
        let wall = Date().timeIntervalSince(started)
        let perHour: Double = Double(trialsRun) / max(wall, 1e-9) * 3600
        return CriticalBatchResult(target: targets.first ?? "", targets: targets, maxSteps: base.maxSteps ?? 0,
                                   seeds: settings.seeds, base: base, architectures: architectures,
                                   trialsRun: trialsRun, trialsReused: trialsReused,
                                   computeSeconds: computeSeconds, evaluationSeconds: evaluationSeconds,
                                   wallSeconds: wall, trialsPerHour: perHour, coreHours: coreSeconds / 3600)
    }

    /// The median of `values` with a 95 % percentile bootstrap interval (values resampled).
    static func medianEstimate(_ values: [Double], resamples: Int, seed: UInt64) -> CriticalBatchResult.Estimate {
        guard !values.isEmpty else { return .init(value: nil, ci: [nil, nil]) }
        var rng = SeededGenerator(seed: seed)
        var scratch = values
        let medians = (0..<max(resamples, 1)).map { _ in StepsSummary.resampledMedian(values, into: &scratch, using: &rng) }
        let interval = PercentileInterval.percentile(of: medians, level: 0.95)
        return .init(value: StepsSummary.median(values), ci: [interval.lower, interval.upper])
    }
}

/// Notes SIGINT and SIGTERM so that the study stops its trials and says how to resume.
private final class SignalStop: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var signal: String?

    init() {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            // Ignored by default so that the dispatch source, not the default action, sees it.
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            sources.append(source)
        }
        self.sources = sources
        for (source, name) in zip(sources, ["SIGINT", "SIGTERM"]) {
            source.setEventHandler { [weak self] in self?.set(name) }
            source.resume()
        }
    }

    deinit { sources.forEach { $0.cancel() } }

    private func set(_ name: String) { lock.lock(); signal = signal ?? name; lock.unlock() }
    var received: String? { lock.lock(); defer { lock.unlock() }; return signal }
}
