/// Where the training data comes from: the `dataset` field and `--dataset`.
public enum DatasetChoice: String, ConfigChoice {
    /// The seed's N(0, 1) inputs and targets (its `torch.randn`).
    case seedRandom = "seed-random"
    /// A learnable synthetic task: targets from a random teacher network plus noise.
    case teacher
    /// The user's .npy files (`inputsPath`, `targetsPath`).
    case npy
    /// The user's CSV file (`csvPath`, `targetColumn`).
    case csv
}
