import Autograd
import DataFormats
import Foundation
import NN

/// Builds the dataset a configuration asks for: the seed's random data, a learnable teacher
/// task, or the user's .npy / CSV files.
public enum DatasetLoader {
    /// Loads or generates the data. Errors name the file and what is wrong.
    public static func load(_ config: TrainingConfig) throws -> Dataset {
        let data: Dataset
        switch config.dataset {
        case .seedRandom: data = seedRandom(config)
        case .teacher:
            // Sweeps and studies name a cache: their trials share a handful of seeds.
            if let cache = ProcessInfo.processInfo.environment[TeacherDataCache.environmentKey], !cache.isEmpty {
                data = TeacherDataCache.load(config, directory: URL(fileURLWithPath: cache), generate: teacher)
            } else {
                data = teacher(config)
            }
        case .npy: data = try numpy(config)
        case .csv: data = try csv(config)
        }
        try checkShapes(data, config)
        return data
    }

    /// The shape of one input sample the model expects.
    static func sampleShape(_ config: TrainingConfig) -> [Int] {
        config.model == .resnet1d ? [config.inputFeatures, config.sequenceLength] : [config.inputFeatures]
    }

    /// The seed's data: inputs and targets both standard normal (the seed's torch.randn), drawn
    /// from a generator seeded separately from the model's.
    static func seedRandom(_ config: TrainingConfig) -> Dataset {
        var g = RandomGenerator(seed: config.seed &+ 0x5EED_DA7A)
        let inputs = Tensor.randomNormal([config.samples] + sampleShape(config), generator: &g)
        let targetShape = config.model == .resnet1d ? [config.samples, config.outputs, config.sequenceLength]
                                                     : [config.samples, config.outputs]
        if config.task == .classification {
            let labels = (0..<config.samples).map { _ in Int(g.next() % UInt64(config.outputs)) }
            return Dataset(inputs: inputs, targets: Tensor(labels.map(Float.init), shape: [config.samples]), labels: labels)
        }
        return Dataset(inputs: inputs, targets: Tensor.randomNormal(targetShape, generator: &g))
    }

    /// A task a model can learn: targets from a fixed random teacher network (2 tanh layers of
    /// 32, Kaiming-normal) plus Gaussian noise; for classification, the argmax of the
    /// teacher's logits.
    static func teacher(_ config: TrainingConfig) -> Dataset {
        var g = RandomGenerator(seed: config.seed &+ 0x7EAC_4E12)
        let features = sampleShape(config).reduce(1, *)
        let inputs = Tensor.randomNormal([config.samples, features], generator: &g)
        // One value per position for the regression ResNet; one logit per class otherwise.
        let perPosition = config.model == .resnet1d && config.task == .regression
        let teacher = MLP(inputs: features, width: 32, depth: 2, outputs: config.outputs * (perPosition ? config.sequenceLength : 1), activation: .tanh)
        Initializer.kaimingNormal(gain: 5.0 / 3).apply(to: teacher, generator: &g)
        let raw = withoutGradients { teacher(inputs) }
        let shapedInputs = inputs.reshaped([config.samples] + sampleShape(config)).detached()
        if config.task == .classification {
            let c = config.outputs
            let labels = (0..<config.samples).map { r -> Int in
                let row = raw.pointer + r * c
                var best = 0
                for j in 1..<c where row[j] > row[best] { best = j }
                return best
            }
            return Dataset(inputs: shapedInputs, targets: Tensor(labels.map(Float.init), shape: [config.samples]), labels: labels)
        }
        let p = raw.pointer
        for i in 0..<raw.count { p[i] += config.noise * g.normal() }
        let targetShape = config.model == .resnet1d ? [config.samples, config.outputs, config.sequenceLength]
                                                     : [config.samples, config.outputs]
        return Dataset(inputs: shapedInputs, targets: raw.reshaped(targetShape).detached())
    }

    static func numpy(_ config: TrainingConfig) throws -> Dataset {
        try numpy(inputs: config.inputsPath!, targets: config.targetsPath!, config: config)
    }

    /// The validation set from `--val-inputs`/`--val-targets`, or nil when none is given.
    /// Its samples must have the shapes of `training`'s; the error names the file that differs.
    public static func loadValidation(_ config: TrainingConfig, matching training: Dataset) throws -> Dataset? {
        guard let inputs = config.valInputsPath, let targets = config.valTargetsPath else { return nil }
        let data = try numpy(inputs: inputs, targets: targets, config: config)
        let expectedInputs = Array(training.inputs.shape.dropFirst()), gotInputs = Array(data.inputs.shape.dropFirst())
        guard gotInputs == expectedInputs else {
            throw ConfigError("\(inputs): validation samples have shape \(gotInputs) but the training inputs' are \(expectedInputs)")
        }
        let expectedTargets = Array(training.targets.shape.dropFirst()), gotTargets = Array(data.targets.shape.dropFirst())
        guard gotTargets == expectedTargets else {
            throw ConfigError("\(targets): validation targets have shape \(gotTargets) per sample but the training targets' are \(expectedTargets)")
        }
        return data
    }

    private static func numpy(inputs: String, targets: String, config: TrainingConfig) throws -> Dataset {
        let x = try readNumPy(inputs)
        let y = try readNumPy(targets)
        guard x.shape.first == y.shape.first else {
            throw ConfigError("\(inputs) has \(x.shape.first ?? 0) samples but \(targets) has \(y.shape.first ?? 0); "
                + "inputs and targets need the same leading axis")
        }
        try rejectNonFinite(x, file: inputs)
        try rejectNonFinite(y, file: targets)
        return try makeDataset(inputs: x, targets: y, config: config, targetFile: targets)
    }

    static func csv(_ config: TrainingConfig) throws -> Dataset {
        let x: ArrayData, y: ArrayData
        do {
            let table = try CSVTable.read(contentsOf: URL(fileURLWithPath: config.csvPath!))
            (x, y) = try table.split(targetColumn: config.targetColumn!)
        } catch {
            throw ConfigError(error.description)
        }
        return try makeDataset(inputs: x, targets: y, config: config, targetFile: config.csvPath!)
    }

    private static func readNumPy(_ path: String) throws -> ArrayData {
        if let missing = PresetData.missingFileMessage(path) { throw ConfigError(missing) }
        do {
            return try NumPyFile.read(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(error.description)
        }
    }

    private static func rejectNonFinite(_ a: ArrayData, file: String) throws {
        if let i = a.values.firstIndex(where: { !$0.isFinite }) {
            throw ConfigError("\(file): element \(i) is \(a.values[i]) (NaN or infinite values in the data); clean the data first")
        }
    }

    private static func makeDataset(inputs x: ArrayData, targets y: ArrayData, config: TrainingConfig,
                                    targetFile: String) throws -> Dataset {
        guard let n = x.shape.first, n > 0 else { throw ConfigError("\(targetFile): the data has no samples; give at least one") }
        // Single-channel sequences are usually stored as [N, L]; the convolutions want [N, 1, L].
        let oneChannel = config.model == .resnet1d && config.inputFeatures == 1 && x.shape.count == 2
        let inputs = Tensor(x.values, shape: oneChannel ? [n, 1, x.shape[1]] : x.shape)
        if config.task == .classification {
            guard y.values.count == n else {
                throw ConfigError("\(targetFile): classification targets must be one class index per sample, got shape \(y.shape)")
            }
            var labels: [Int] = []
            labels.reserveCapacity(n)
            for (i, v) in y.values.enumerated() {
                guard v == v.rounded(), v >= 0, v < Float(config.outputs) else {
                    throw ConfigError("\(targetFile): target \(i) is \(v), not a class index in 0..<\(config.outputs) (--outputs sets the class count)")
                }
                labels.append(Int(v))
            }
            return Dataset(inputs: inputs, targets: Tensor(y.values, shape: [n]), labels: labels)
        }
        return Dataset(inputs: inputs, targets: Tensor(y.values, shape: y.shape))
    }

    private static func checkShapes(_ data: Dataset, _ config: TrainingConfig) throws {
        let expected = sampleShape(config)
        let got = Array(data.inputs.shape.dropFirst())
        if config.model == .resnet1d && got.count == 2 && got[0] == config.inputFeatures && got[1] != config.sequenceLength {
            throw ConfigError("the input sequences have length \(got[1]) but --sequence-length is \(config.sequenceLength); "
                + "set --sequence-length \(got[1])")
        }
        guard got == expected else {
            let hint = config.model == .resnet1d ? "--input-features (channels) and --sequence-length"
                                                  : "--input-features"
            throw ConfigError("input samples have shape \(got) but the model expects \(expected); set \(hint) to match the data")
        }
        if config.task == .regression {
            let perSample = data.targets.count / max(data.count, 1)
            let outputsPerSample = config.model == .resnet1d ? config.outputs * config.sequenceLength : config.outputs
            guard perSample == outputsPerSample else {
                throw ConfigError("targets have \(perSample) values per sample but the model outputs \(outputsPerSample); set --outputs to match the data")
            }
        }
    }
}
