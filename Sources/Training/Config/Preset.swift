import DataFormats
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
        ("mnist1d-resnet", "MNIST-1D (4,000 train / 1,000 test, length 40, 10 classes): Conv1d ResNet classifier, 3 blocks of 32"),
        ("mnist1d-mlp", "MNIST-1D: ReLU MLP 40-100-100-10, Adam lr 1e-3"),
        ("digits-mlp", "scikit-learn's 8×8 digits (1,437 train / 360 test): ReLU MLP 64-64-64-10, Adam lr 1e-3"),
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
        case "mnist1d-mlp":
            c = realData(name, "mnist1d", features: 40)
            c.depth = 2
            c.width = 100
            c.epochs = 30
        case "mnist1d-resnet":
            c = realData(name, "mnist1d", features: 1)
            c.model = .resnet1d
            c.sequenceLength = 40
            c.depth = 3
            c.width = 32
            c.epochs = 30
        case "digits-mlp":
            c = realData(name, "digits", features: 64)
            c.depth = 2
            c.width = 64
            c.epochs = 30
        default:
            let names = catalog.map(\.name).joined(separator: ", ")
            throw ConfigError("unknown preset \(name.quotedForMessage); choose one of: \(names)")
        }
        return c
    }

    /// A 10-class classification preset on `dataset`'s files from scripts/data/make_datasets.py
    /// (see ``PresetData``): trained on `<dataset>_train_*`, evaluated on the fixed test split
    /// `<dataset>_test_*` at each epoch's end. ReLU, Adam lr 1e-3, shuffled global batches of 100.
    private static func realData(_ name: String, _ dataset: String, features: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.preset = name
        c.dataset = .npy
        c.task = .classification
        c.inputsPath = PresetData.path("\(dataset)_train_x.npy")
        c.targetsPath = PresetData.path("\(dataset)_train_y.npy")
        c.valInputsPath = PresetData.path("\(dataset)_test_x.npy")
        c.valTargetsPath = PresetData.path("\(dataset)_test_y.npy")
        c.inputFeatures = features
        c.outputs = 10
        c.activation = .relu
        c.optimizer = .adam
        c.lr = 1e-3
        c.globalBatchSize = 100
        c.shuffle = true
        return c
    }
}
