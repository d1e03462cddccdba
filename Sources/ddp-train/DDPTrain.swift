import ArgumentParser
import Foundation
import Training

/// The `ddp-train` executable: argument parsing and wiring only; the work is in Training.
@main
struct DDPTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddp-train",
        abstract: "Distributed data-parallel training over MPI, for studying vanishing gradients, batch size and learning rate.",
        discussion: """
        Run alone for one process, or under `mpirun -np N ddp-train …` for N data-parallel ranks.
        With no arguments it trains the default experiment, seed-sigmoid-mlp.
        """,
        version: DDPTrainVersion.current,
        subcommands: [Train.self, Doctor.self, ExportCSV.self, Report.self, Sweep.self, CriticalBatch.self, TimeToTarget.self,
                      ScalingModel.self],
        defaultSubcommand: Train.self
    )

    /// Parses and runs the command as ArgumentParser does, except that a refused value of a
    /// choice flag (`--activation relux`) is reported like every other configuration mistake:
    /// one `ddp-train: error:` line listing the valid values, and exit status 2.
    /// ArgumentParser's own usage errors exit with EX_USAGE (64); they are bad input like any
    /// other, so they exit with `ExitStatus.badInput` too (README.md, "Exit statuses").
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if let complaint = ChoiceFlags.invalidValue(in: Array(CommandLine.arguments.dropFirst()),
                                                        parserMessage: message(for: error)) {
                failBeforeLaunch(complaint)
            }
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.badInput.rawValue)
            }
            exit(withError: error)
        }
    }
}
