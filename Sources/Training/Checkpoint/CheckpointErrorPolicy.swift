/// What a checkpoint that cannot be written (a full disk, a read-only file system) does to
/// the run: `--on-checkpoint-error`.
///
/// Either way the previous checkpoints stay intact (a checkpoint only appears complete, by a
/// rename, after all its files are on disk), so `--resume latest` finds the newest good one.
public enum CheckpointErrorPolicy: String, Sendable, CaseIterable {
    /// End the job (exit 1) with the error, which names the directory and the bytes needed.
    case stop
    /// Warn, train on, and try again at the next scheduled checkpoint.
    case warn
}
