/// How the learning rate follows the effective batch: the `lrScaling` field and `--lr-scaling`.
public enum LRScalingChoice: String, ConfigChoice {
    /// The rate as given.
    case none
    /// lr × effective batch / base batch (Goyal et al. 2017).
    case linear
    /// lr × √(effective batch / base batch).
    case sqrt
}
