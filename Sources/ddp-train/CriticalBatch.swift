import ArgumentParser
import Collectives
import Experiments
import Foundation
import Training

/// `ddp-train critical-batch`: steps to a target against batch size, the learning rate tuned
/// per batch, the critical batch with intervals, beside the gradient noise scale.
struct CriticalBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "critical-batch",
        abstract: "Measure steps to a target against batch size, with the learning rate tuned per batch, and fit the critical batch.",
        discussion: """
        For each architecture (--grid) and each global batch (--batch-sizes): tune the learning rate on a \
        tuning seed for the fewest steps to the first --target (a log grid around --lr-start, extended \
        while the best is on an edge, then refined; trials stop early once they cannot win), rerun the \
        choice and its two neighbours on --seeds fresh seeds, and fit S(B) = S_min·(1 + B_crit/B) to the \
        median steps with bootstrap intervals. B_simple (measured at the crossing) and B_noise (fitted \
        from the tuned learning rates) are reported beside B_crit. A run that never reaches the target \
        is censored, never counted as reaching it at the cap.

        Writes STUDY_DIR/critical-batch.json, .csv and .html; each trial has its own directory under \
        STUDY_DIR/trials/. Rerunning the same command resumes: finished trials are reused.

        Example (docs/TIME-TO-RESULT.md):
          ddp-train critical-batch --preset teacher-classification \\
            --grid activation=sigmoid,relu --batch-sizes 8,16,32,64,128,256,512,1024 \\
            --target 'val_accuracy>=0.9' --seeds 5 --max-steps 20000 --study-dir runs/cb
        """
    )

    @OptionGroup var flags: TrainingFlags

    @Option(name: .customLong("grid"), parsing: .singleValue,
            help: ArgumentHelp("An architecture dimension, e.g. activation=sigmoid,relu or ranks=1,2 (repeatable).", valueName: "name=v1,v2"))
    var grid: [String] = []

    @Option(help: ArgumentHelp("The global batches to measure, e.g. 8,16,32,64.", valueName: "b1,b2,…"))
    var batchSizes: String

    @Option(help: "Evaluation seeds per batch at the tuned learning rate and each neighbour.")
    var seeds = 5

    @Option(help: "The learning rate the search grid is centred on (default: the configuration's --lr).")
    var lrStart: Double?

    @Option(help: "Coarse steps (×√10) the learning-rate grid may extend each way.")
    var lrExtensions = 3

    @Option(help: "Halvings of the learning-rate grid's log spacing around the best.")
    var lrRefinements = 1

    @Option(help: "Per-layer diagnostics every K steps in every trial, for B_simple at the crossing; 0 turns them off.")
    var noiseScaleEvery = 10

    @Option(help: "Bootstrap resamples for every interval.")
    var resamples = 2000

    @Option(help: "The study directory (default runs/critical-batch-<timestamp>); pass an existing one to resume it.")
    var studyDir: String?

    @OptionGroup var launch: LauncherFlags

    func run() throws {
        if MPILaunch.isLaunched() {
            failBeforeLaunch("run `ddp-train critical-batch` directly, not under mpirun: it starts mpirun itself for trials with ranks > 1")
        }
        // The base configuration, before any grid or per-trial setting.
        if flags.printConfig {
            do { _ = try flags.printConfigIfAsked(try flags.resolvedConfig()) } catch { failBeforeLaunch("\(error)") }
            return
        }
        let study: CriticalBatchStudy
        do {
            study = try makeStudy()
        } catch {
            failBeforeLaunch("\(error)")
        }
        study.log("ddp-train critical-batch: \(study.architectures.count) architecture(s) × \(study.settings.batchSizes.count) "
                  + "batch(es) in \(study.directory.path)")
        let result: CriticalBatchResult
        do {
            result = try study.run()
        } catch {
            failRunning(error)
        }
        for a in result.architectures {
            let f = a.fit
            func text(_ v: Double?) -> String { v.map { String(format: "%.4g", $0) } ?? "—" }
            func ci(_ c: [Double?]) -> String { "[\(text(c.first ?? nil)), \(c.count > 1 ? (c[1].map { String(format: "%.4g", $0) } ?? "∞") : "—")]" }
            study.log("\(a.name): fit \(f.status), S_min \(text(f.sMin)) \(ci(f.sMinCI)), B_crit \(text(f.bCrit)) \(ci(f.bCritCI)), "
                      + "B_simple \(text(f.bSimple.value)) \(ci(f.bSimple.ci)), B_noise \(text(f.bNoise.value)) \(ci(f.bNoise.ci))"
                      + (f.excludedBatches.isEmpty ? "" : "; censored batches \(f.excludedBatches.map(String.init).joined(separator: ","))"))
        }
        study.log(String(format: "ddp-train critical-batch: %.0f trials per hour, %.3f core-hours; evaluation %.0f %% of compute",
                         result.trialsPerHour ?? 0, result.coreHours ?? 0,
                         100 * result.evaluationSeconds / max(result.computeSeconds, 1e-9)))
        study.log("ddp-train critical-batch: \(result.trialsRun) trial(s) run, \(result.trialsReused) reused; "
                  + "results in \(study.directory.appendingPathComponent("critical-batch.json").path) (.csv, .html)")
    }

    /// Checks every flag and builds the study; nothing runs yet.
    func makeStudy() throws -> CriticalBatchStudy {
        guard flags.runDir == nil else {
            throw SweepError("--run-dir names one run; a study writes its trials under --study-dir")
        }
        let base = try flags.resolvedConfig()
        let batches = try batchSizes.split(separator: ",").map { text -> Int in
            guard let b = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw SweepError("--batch-sizes '\(batchSizes)': '\(text)' is not a whole number; write e.g. 8,16,32")
            }
            return b
        }
        let settings = CriticalBatchSettings(batchSizes: batches, seeds: seeds, startLearningRate: lrStart ?? Double(base.lr.description) ?? Double(base.lr),
                                             extensionLimit: lrExtensions, refinements: lrRefinements,
                                             noiseScaleEvery: noiseScaleEvery, resamples: resamples)
        guard resamples >= 100 else { throw SweepError("--resamples must be at least 100 for a 95 % interval, got \(resamples)") }
        let gridValue = try SweepGrid(flags: grid)
        let needsMultiRank = (gridValue.dimension(SweepGrid.ranksDimension)?.values ?? []).contains { $0 != .integer(1) }
        var launcher = try launch.makeLauncher(needsMultiRank: needsMultiRank,
                                               extraTrainArguments: noiseScaleEvery > 0 ? ["--diagnostics-every", "\(noiseScaleEvery)"] : [])
        let directory = URL(fileURLWithPath: studyDir ?? RunDirectory.defaultPath(preset: "critical-batch"))
        launcher.dataCache = directory.appendingPathComponent("data-cache").standardizedFileURL.path
        return try CriticalBatchStudy(base: base, grid: gridValue, settings: settings, directory: directory,
                                      launcher: launcher, jobs: try launch.slots()) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
