/// What the model predicts: the `task` field and `--task`.
public enum TaskChoice: String, ConfigChoice {
    /// Real-valued targets.
    case regression
    /// One class index per sample; the model outputs one logit per class.
    case classification
}
