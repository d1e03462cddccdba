/// The built-in experiments. The three seed presets reproduce the seed's examples: the same
/// sizes, optimizers, learning rates, epochs and data shapes. A preset's batch size is global:
/// it stays the same whatever the number of ranks.
public enum Preset {
    /// Names and one-line descriptions, in the order `--help` lists them.
    public static let catalog: [(name: String, summary: String)] = [
        ("seed-sigmoid-mlp", "Example 1: 10 sigmoid layers of 128, SGD lr 0.01, full batch of 100, 100 epochs (default)"),
        ("seed-resnet1d", "Example 2: Conv1d ResNet, 10 blocks of 64 channels, Adam lr 1e-3, full batch of 100, 100 epochs"),
        ("seed-batch-lr", "Example 3: ReLU net 10-128-1 on 1,000 samples, Adam: lr 0.05 @ batch 16 vs lr 0.001 @ batch 128"),
        ("teacher-regression", "A learnable task: 10-input regression from a random teacher network plus noise"),
        ("teacher-classification", "A learnable task: 4-class classification from a random teacher network"),
    ]

    /// The configuration of preset `name`.
    public static func config(named name: String) throws -> TrainingConfig {
        var c = TrainingConfig()
        c.preset = name
        switch name {
        case "seed-sigmoid-mlp":
            break  // TrainingConfig's defaults are this preset.
        case "seed-resnet1d":
            c.model = .resnet1d
            c.inputFeatures = 3
            c.sequenceLength = 10
            c.depth = 10
            c.width = 64
            c.activation = .relu
            c.residual = true
            c.optimizer = .adam
            c.lr = 1e-3
        case "seed-batch-lr":
            c.depth = 1
            c.width = 128
            c.activation = .relu
            c.samples = 1000
            c.optimizer = .adam
            c.shuffle = true
            c.lr = 0.05
            c.globalBatchSize = 16
            c.comparison = [
                .init(name: "lr0.05-batch16", lr: 0.05, globalBatchSize: 16),
                .init(name: "lr0.001-batch128", lr: 0.001, globalBatchSize: 128),
            ]
        case "teacher-regression":
            c.dataset = .teacher
            c.samples = 2048
            c.depth = 4
            c.width = 64
            c.activation = .relu
            c.initializer = .kaimingNormal
            c.optimizer = .adam
            c.lr = 1e-3
            c.globalBatchSize = 128
            c.shuffle = true
            c.epochs = 20
            c.valFraction = 0.2
        case "teacher-classification":
            c = try config(named: "teacher-regression")
            c.preset = name
            c.task = .classification
            c.outputs = 4
        default:
            let names = catalog.map(\.name).joined(separator: ", ")
            throw ConfigError("unknown preset '\(name)'; choose one of: \(names)")
        }
        return c
    }
}
