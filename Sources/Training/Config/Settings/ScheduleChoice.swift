/// The learning-rate shape after warmup: the `schedule` field and `--schedule`.
public enum ScheduleChoice: String, ConfigChoice {
    /// The rate stays as given.
    case constant
    /// Multiplied by `gamma` every `stepSize` optimizer steps.
    case step
    /// Cosine decay to `minLR` over the run.
    case cosine
}
