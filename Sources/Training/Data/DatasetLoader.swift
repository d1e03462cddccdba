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
        case .teacher: data = teacher(config)
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
        let teacher = MLP(inputs: features, width: 32, depth: 2, outputs: config.outputs * (config.model == .resnet1d ? config.sequenceLength : 1), activation: .tanh)
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
        let x = try readNumPy(config.inputsPath!)
        let y = try readNumPy(config.targetsPath!)
        guard x.shape.first == y.shape.first else {
            throw ConfigError("\(config.inputsPath!) has \(x.shape.first ?? 0) samples but \(config.targetsPath!) has \(y.shape.first ?? 0); "
                + "inputs and targets need the same leading axis")
        }
        try rejectNonFinite(x, file: config.inputsPath!)
        try rejectNonFinite(y, file: config.targetsPath!)
        return try makeDataset(inputs: x, targets: y, config: config, targetFile: config.targetsPath!)
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
        let inputs = Tensor(x.values, shape: x.shape)
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
