import Collectives
import Foundation

/// `--trace`, `--trace-steps` and `--stall-warning-seconds`: what a run watches about its
/// communication, set up before training and finished after it.
enum CommunicationMonitoring {
    /// Checks the options, makes the trainer warn about stalled gradient allreduces and, with
    /// `--trace`, record a timeline. Collective when tracing (the recorder aligns the ranks'
    /// clocks with a barrier): every rank calls it at the same point.
    /// - Returns: the timeline recorder, or nil without `--trace`.
    static func attach(to trainer: Trainer, options: RunOptions) throws -> ChromeTraceRecorder? {
        guard options.stallWarningSeconds > 0 && options.stallWarningSeconds.isFinite else {
            throw ConfigError("--stall-warning-seconds must be a positive number of seconds (got \(options.stallWarningSeconds))")
        }
        let communicator = trainer.communicator
        let reporter = StallReporter(rank: communicator.rank, worldSize: communicator.worldSize, logLevel: options.logLevel)
        trainer.dataParallel.stallWarningSeconds = options.stallWarningSeconds
        // The stall fires inside finishSynchronization, before the step counter moves on.
        trainer.dataParallel.onStall = { [unowned trainer] stall in reporter.report(stall, step: trainer.step + 1) }

        guard let path = options.trace else { return nil }
        guard options.traceSteps >= 1 else {
            throw ConfigError("--trace-steps must be at least 1 (got \(options.traceSteps)); it bounds the trace's size")
        }
        if communicator.rank == 0 {
            // Fail now, not after hours of training, when the file cannot be written.
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigError("--trace '\(path)': the directory '\(directory)' does not exist; create it or choose another path")
            }
        }
        let recorder = ChromeTraceRecorder(communicator: communicator, maxSteps: options.traceSteps)
        trainer.timeline = recorder
        return recorder
    }

    /// Gathers the timeline on rank 0 and writes it. Collective.
    static func finish(_ recorder: ChromeTraceRecorder?, options: RunOptions, trainer: Trainer, console: Console) throws {
        guard let recorder, let path = options.trace else { return }
        let count = try recorder.write(to: path, communicator: trainer.communicator)
        console.info("Trace: \(path) (\(count) events, the first \(min(recorder.maxSteps, trainer.step)) steps; "
                     + "open it in Perfetto or chrome://tracing)")
    }

    /// The trace file of one comparison point: `trace.json` becomes `trace-<point>.json`.
    static func tracePath(_ path: String, point: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        let name = ext.isEmpty ? "\(stem)-\(point)" : "\(stem)-\(point).\(ext)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }
}
