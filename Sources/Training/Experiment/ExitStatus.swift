/// The exit statuses of `ddp-train` and its subcommands (`train`, `sweep`, `critical-batch`, …),
/// the same everywhere so that job scripts can act on them (README.md, "Exit statuses").
/// Defined here, not in the executable, so that sweeps and studies can read their points'
/// statuses with the same names.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The run finished, or every `--target` was reached.
    case success = 0
    /// A failure while running: an I/O error, a non-finite loss under `--on-nonfinite stop`,
    /// a rank that died, a sweep point that failed.
    case failure = 1
    /// Bad input found before anything ran: a flag, a config file or a data file.
    case badInput = 2
    /// Stopped by a pre-emption signal (SIGTERM, SIGUSR1, SIGINT for sweeps and studies) after
    /// writing what resumes it: a checkpoint, or finished sweep points and trials. Job scripts
    /// requeue on this status.
    case preempted = 3
    /// A collective (allreduce, broadcast, …) waited longer than `--collective-timeout`: the
    /// watchdog ended every rank, naming the ranks that did not arrive and the checkpoint to
    /// resume from (docs/RELIABILITY.md).
    case collectiveTimeout = 4
}
