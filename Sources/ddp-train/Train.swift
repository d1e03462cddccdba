import ArgumentParser
import Distributed
import Foundation
import Training

/// `ddp-train train`: the default subcommand.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model (the default subcommand).",
        discussion: "Presets: " + Preset.catalog.map { "\n  \($0.name): \($0.summary)" }.joined()
            + "\n\nFlags override the preset and the --config file. --batch-size is per rank; a preset's batch is global."
    )

    @OptionGroup var flags: TrainingFlags

    @Option(help: "Start from these weights (safetensors with PyTorch names, e.g. from safetensors.torch.save_file(model.state_dict())).")
    var initFrom: String?

    @Option(help: "Write the final weights to this safetensors file.")
    var save: String?

    @Option(help: "Compare parameter checksums across ranks every N steps; a mismatch ends the job naming the ranks and tensors.")
    var checkReplicasEvery = 0

    @Flag(help: "No progress line and no start-up lines; results and warnings still print.")
    var quiet = false

    func run() throws {
        let config: TrainingConfig
        do {
            config = try flags.resolvedConfig()
        } catch {
            failBeforeLaunch("\(error)")
        }
        try runDistributed { communicator in
            var options = RunOptions(initFrom: initFrom, save: save, quiet: quiet)
            options.checkReplicasEvery = checkReplicasEvery
            try TrainingRun.execute(config, options: options, communicator: communicator)
        }
    }
}
