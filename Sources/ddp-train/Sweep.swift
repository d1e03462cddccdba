import ArgumentParser
import ConfigFiles
import Collectives
import Foundation
import Experiments
import Training

/// `ddp-train sweep`: a grid of training runs, each a subprocess of this binary, resumable,
/// summarized in summary.csv and report.html (docs/SWEEPS.md).
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid of training runs (batch × learning rate × ranks × architecture) and report them together.",
        discussion: """
        Each --grid NAME=V1,V2 adds a dimension; NAME is a config field as in docs/CONFIG.md (lr, \
        globalBatchSize, batchSize, activation, residual, initializer, …) or 'ranks'. Every combination is \
        one point, run as `ddp-train train` alone (1 rank) or under `mpirun -np R` (R ranks), in \
        SWEEP_DIR/points/<name>/. The other flags set what every point shares.

        Re-running with the same --sweep-dir resumes: points with a done.json are skipped; \
        interrupted or failed points run again from scratch. The exit status is 1 when any point failed, \
        3 when a signal stopped the sweep (README.md, "Exit statuses").

        Example (docs/SWEEPS.md):
          ddp-train sweep --preset seed-batch-lr --epochs 20 \\
            --grid lr=0.001,0.01,0.05 --grid globalBatchSize=16,64,256 \\
            --grid ranks=1,2 --jobs 2 --sweep-dir runs/my-sweep
        """
    )

    @OptionGroup var flags: TrainingFlags

    @Option(name: .customLong("grid"), parsing: .singleValue,
            help: ArgumentHelp("A swept field and its values, e.g. lr=0.1,0.01 (repeat for more dimensions).", valueName: "name=v1,v2"))
    var grid: [String] = []

    @Option(help: "A JSON grid: {\"preset\": …, \"base\": {config fields}, \"grid\": {\"lr\": [0.1, 0.01], \"ranks\": [1, 2]}}.")
    var gridFile: String?

    @Option(help: "The sweep directory (default runs/sweep-<timestamp>); pass an existing one to resume it.")
    var sweepDir: String?

    @OptionGroup var launch: LauncherFlags

    @Option(help: "Per-layer diagnostics in every point every K steps (needed for the gradient noise scale in the report); 0: off.")
    var diagnosticsEvery = 0

    @Option(help: "TensorBoard event files: each point in DIR/<point>, and the HParams experiment summary in DIR.")
    var tensorboard: String?

    func run() throws {
        if MPILaunch.isLaunched() {
            failBeforeLaunch("run `ddp-train sweep` directly, not under mpirun: it starts mpirun itself for points with ranks > 1")
        }
        // The base configuration, before any grid or per-trial setting.
        if flags.printConfig {
            do { _ = try flags.printConfigIfAsked(try flags.resolvedConfig()) } catch { failBeforeLaunch("\(error)") }
            return
        }
        let runner: SweepRunner
        do {
            runner = try makeRunner()
        } catch {
            failBeforeLaunch("\(error)")
        }
        runner.log("ddp-train sweep: \(runner.plan.points.count) point(s) in \(runner.directory.path)")
        let outcomes: [PointOutcome]
        do {
            outcomes = try runner.run()
        } catch {
            failRunning(error)
        }
        let failed = outcomes.filter { $0.status == .failed }
        runner.log("ddp-train sweep: \(outcomes.count - failed.count) ok, \(failed.count) failed; "
              + "summary \(runner.directory.appendingPathComponent("summary.csv").path), "
              + "report \(runner.directory.appendingPathComponent("report.html").path)")
        if !failed.isEmpty {
            let message = "ddp-train: error: \(failed.count) sweep point(s) failed: "
                + failed.map(\.name).joined(separator: ", ") + "; re-run the same command to retry them\n"
            FileHandle.standardError.write(Data(message.utf8))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }

    /// Checks every flag and builds the plan and launcher; nothing runs yet.
    func makeRunner() throws -> SweepRunner {
        guard flags.runDir == nil else {
            throw SweepError("--run-dir names one run; a sweep writes its points under --sweep-dir")
        }
        guard diagnosticsEvery >= 0 else { throw SweepError("--diagnostics-every must be ≥ 0, got \(diagnosticsEvery)") }
        let directory = URL(fileURLWithPath: sweepDir ?? RunDirectory.defaultPath(preset: "sweep"))
        var pointFlags = flags
        var gridFromFile: SweepGrid?
        if let gridFile {
            let file = try SweepGridFile(path: gridFile)
            let presetGiven = CommandLine.arguments.contains { $0 == "--preset" || $0.hasPrefix("--preset=") }
            if let preset = file.preset, !presetGiven { pointFlags.preset = preset }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let merged = directory.appendingPathComponent("base-config.json")
            // A YAML --config becomes JSON first: the merge with the grid file's base is in JSON.
            var userConfig = flags.config
            if let path = flags.config {
                let converted = directory.appendingPathComponent("user-config.json")
                try TrainingConfig.configJSON(ofFile: path).write(to: converted, options: .atomic)
                userConfig = converted.path
            }
            try file.mergedConfig(userConfigPath: userConfig).write(to: merged, options: .atomic)
            pointFlags.config = merged.path
            gridFromFile = file.grid
        }
        let base = try pointFlags.resolvedConfig()
        let flagGrid = try SweepGrid(flags: grid)
        let dimensions = (gridFromFile?.dimensions ?? []) + flagGrid.dimensions
        let plan = try SweepPlan(base: base, grid: SweepGrid(dimensions: dimensions))

        var launcher = try launch.makeLauncher(needsMultiRank: plan.points.contains { $0.ranks > 1 },
                                               extraTrainArguments: diagnosticsEvery > 0 ? ["--diagnostics-every", "\(diagnosticsEvery)"] : [])
        launcher.dataCache = directory.appendingPathComponent("data-cache").standardizedFileURL.path
        if let tensorboard {
            launcher.tensorboardRoot = tensorboard
            try SweepTensorBoard.writeExperiment(plan, root: URL(fileURLWithPath: tensorboard))
        }
        // Unbuffered, so that a log file or pipe shows each point as it starts and ends.
        return SweepRunner(plan: plan, directory: directory, launcher: launcher, jobs: try launch.slots()) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// This binary, so that every point runs exactly the code that planned it.
    static func executablePath() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
           FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let argument = CommandLine.arguments[0]
        if argument.contains("/") {
            return URL(fileURLWithPath: argument).standardizedFileURL.path
        }
        guard let found = SweepLauncher.which(argument) else {
            throw SweepError("cannot find the ddp-train executable ('\(argument)'); run it by its path")
        }
        return found
    }
}
