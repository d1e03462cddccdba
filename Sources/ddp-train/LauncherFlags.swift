import ArgumentParser
import Experiments
import Foundation
import Reporting
import Training

/// How `sweep` and `critical-batch` start their runs: process slots, the multi-rank launcher
/// and its arguments, and extra `train` flags every run gets.
struct LauncherFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Process slots: runs go side by side while their ranks fit (a run of R ranks takes R slots); 'auto' takes one per core this process may use.", valueName: "n|auto"))
    var jobs = "1"

    /// The process slots `--jobs` asks for.
    func slots() throws -> Int {
        if jobs == "auto" { return max(ProcessInfo.processInfo.activeProcessorCount, 1) }
        guard let n = Int(jobs), n >= 1 else { throw SweepError("--jobs '\(jobs)': give a whole number ≥ 1, or auto") }
        return n
    }

    @Option(help: "An Open MPI hostfile for the multi-rank runs (hostfiles/README.md).")
    var hostfile: String?

    @Flag(help: "Let multi-rank runs have more ranks than slots (mpirun --oversubscribe).")
    var oversubscribe = false

    @Option(help: ArgumentHelp("The multi-rank launcher instead of mpirun: a program taking mpirun's arguments (-np R [--hostfile F] PROGRAM ARGS), or a command line with {ranks} where the rank count goes, which the program follows: 'scripts/emulated-cluster.sh --hosts {ranks} --'.", valueName: "program-or-template"))
    var launcher: String?

    @Option(parsing: .unconditionalSingleValue, help: "An extra launcher argument, before the program (repeatable), e.g. --launcher-arg=--bind-to --launcher-arg=core.")
    var launcherArg: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "An extra `ddp-train train` flag for every run (repeatable), e.g. --train-arg=--check-replicas-every=10.")
    var trainArg: [String] = []

    @Option(help: ArgumentHelp("Every run's `ddp-train train --log-level` (trace, debug, info, notice, warning, error, critical); a run's log lines are in its stderr.log. Finished runs are not redone for it.", valueName: "level"))
    var logLevel: String?

    /// Checks the flags and builds the launcher; `extraTrainArguments` go after `--train-arg`s.
    func makeLauncher(needsMultiRank: Bool, extraTrainArguments: [String]) throws -> SweepLauncher {
        _ = try slots()
        var template: [String]?
        if let launcher, launcher.contains("{ranks}") {
            template = launcher.split(whereSeparator: \.isWhitespace).map(String.init)
            guard hostfile == nil, !oversubscribe, launcherArg.isEmpty else {
                throw SweepError("--launcher '\(launcher)' is a template; put --hostfile, --oversubscribe and other launcher "
                    + "arguments in the template itself")
            }
        }
        let launcherName = template?.first ?? launcher ?? "mpirun"
        let launcherPath = SweepLauncher.which(launcherName)
        if needsMultiRank && launcherPath == nil {
            throw SweepError(launcher == nil
                ? "mpirun is not on PATH, and runs with ranks > 1 need it; install Open MPI (scripts/setup.sh) or pass --launcher"
                : "--launcher: '\(launcherName)' is not an executable file")
        }
        if let path = launcherPath, template != nil { template?[0] = path }
        if let hostfile {
            // Checked here, so a typo is one line naming the file and line, not mpirun's output.
            do {
                _ = try Hostfile.read(hostfile)
            } catch {
                throw SweepError("--hostfile \(error) (hostfiles/README.md shows the format)")
            }
        }
        // Flags naming one path or one run would be shared by every run and clobbered.
        for argument in trainArg {
            let flag = String(argument.prefix { $0 != "=" })
            if ["--run-dir", "--config", "--preset", "--checkpoint-dir", "--resume", "--save", "--tensorboard", "--trace"]
                .contains(flag) {
                throw SweepError("--train-arg \(flag): every run would share it; each run gets its own run "
                    + "directory and config, and the preset and base settings come from the other flags")
            }
        }
        if let logLevel { _ = try RankLogHandler.level(named: logLevel) }  // one error now, not one per run
        var made = SweepLauncher(executable: try Sweep.executablePath(), launcher: launcherPath ?? launcherName,
                                 template: template, launcherIsMPIRun: launcher == nil || launcherName.hasSuffix("mpirun"),
                                 hostfile: hostfile.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                 oversubscribe: oversubscribe, launcherArguments: launcherArg,
                                 trainArguments: trainArg + extraTrainArguments)
        made.logLevel = logLevel
        return made
    }
}
