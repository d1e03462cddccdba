import Collectives
import Foundation

/// Shows a long run's progress: a live line on a terminal, periodic plain lines otherwise,
/// nothing with --quiet. Rank 0 only.
public final class ProgressReporter: TrainingCallback {
    /// How progress is shown: a redrawn terminal line, plain lines every few seconds, or nothing.
    public enum Mode { case live, periodic, quiet }
    /// How this reporter shows progress.
    public let mode: Mode
    private let totalSteps: Int
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let periodicInterval: TimeInterval

    /// A reporter for a run of `totalSteps` optimizer steps; `periodicInterval` is in seconds.
    public init(mode: Mode, totalSteps: Int, periodicInterval: TimeInterval = 10) {
        self.mode = mode
        self.totalSteps = totalSteps
        self.periodicInterval = periodicInterval
    }

    /// Live on a terminal, periodic otherwise, unless quiet.
    public static func automaticMode(quiet: Bool) -> Mode {
        if quiet { return .quiet }
        // Under mpirun every rank's stdout is a pseudo-terminal whatever mpirun writes to, so a
        // live line would fill logs with redraws: MPI jobs get periodic lines.
        return isatty(STDOUT_FILENO) != 0 && !MPILaunch.isLaunched() ? .live : .periodic
    }

    /// Reports step `step` (1-based) of epoch `epoch`.
    public func update(epoch: Int, epochs: Int, step: Int, loss: Double, samplesPerSecond: Double) {
        guard mode != .quiet else { return }
        let now = Date()
        let interval = mode == .live ? 0.1 : periodicInterval
        guard now.timeIntervalSince(lastDraw) >= interval || step == totalSteps else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let eta = step > 0 ? elapsed / Double(step) * Double(totalSteps - step) : 0
        let line = String(format: "epoch %d/%d  step %d/%d  loss %.6g  %.0f samples/s  ETA %@",
                          epoch, epochs, step, totalSteps, loss, samplesPerSecond, ProgressReporter.duration(eta))
        if mode == .live {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
        } else {
            print(line)
            fflush(nil)  // nil: every output stream (stdout itself is not concurrency-safe to name)
        }
    }

    /// Updates the progress display.
    public func stepDidFinish(_ outcome: StepOutcome, trainer: Trainer) throws -> TrainingDecision {
        update(epoch: outcome.epoch + 1, epochs: trainer.plan.config.epochs, step: outcome.step, loss: outcome.loss,
               samplesPerSecond: Double(trainer.samplesSeen) / max(trainer.trainingSeconds, 1e-9))
        return .proceed
    }

    /// Ends the progress display (the live line gets its newline).
    public func runDidFinish(trainer: Trainer) {
        finish()
    }

    /// Ends the live line so that later output starts on a fresh line.
    public func finish() {
        if mode == .live { print("") }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
