import Autograd
import DataFormats
import Foundation

/// Generated teacher data kept on disk, so that the trials of a sweep or a study that share a
/// seed generate it once.
///
/// Generating the teacher task (normal inputs, a tanh teacher network's forward pass) is most
/// of a short run's start-up: about half of a one-step run of the study's 32,768 samples. A
/// study runs hundreds of trials over a handful of seeds, so `sweep` and `critical-batch` give
/// their runs a cache directory (`DDP_TRAIN_DATA_CACHE`), and each entry is written once.
///
/// An entry is two float32 `.npy` files named by a hash of everything the data depend on, each
/// written atomically; the data read back are bit for bit the data generated, so a cached run
/// is the same run. An entry that cannot be read, or whose shapes are wrong, is generated again
/// and replaced: never trusted.
public enum TeacherDataCache {
    /// The environment variable naming the cache directory.
    public static let environmentKey = "DDP_TRAIN_DATA_CACHE"

    /// The teacher data for `config`, from `directory` when an entry is there, else generated
    /// by `generate` and stored (a failure to store is not an error: the data are still right).
    public static func load(_ config: TrainingConfig, directory: URL, generate: (TrainingConfig) -> Dataset) -> Dataset {
        let (inputsURL, targetsURL) = entry(config, in: directory)
        if let cached = read(inputs: inputsURL, targets: targetsURL, config: config) { return cached }
        let data = generate(config)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Targets first, inputs last: a reader finds inputs only once both are complete.
        try? NumPyFile.write(ArrayData(shape: data.targets.shape, values: data.targets.scalars), to: targetsURL)
        try? NumPyFile.write(ArrayData(shape: data.inputs.shape, values: data.inputs.scalars), to: inputsURL)
        return data
    }

    /// What the generated data depend on: every field `DatasetLoader.teacher` reads, and a
    /// version to change when the generator does.
    static func key(_ config: TrainingConfig) -> String {
        "teacher-v1 samples=\(config.samples) shape=\(DatasetLoader.sampleShape(config)) outputs=\(config.outputs) "
            + "task=\(config.task) model=\(config.model) sequence=\(config.sequenceLength) "
            + "noise=\(config.noise.bitPattern) seed=\(config.seed)"
    }

    /// The entry's two files in `directory`.
    static func entry(_ config: TrainingConfig, in directory: URL) -> (inputs: URL, targets: URL) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key(config).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let name = "teacher-" + String(hash, radix: 16)
        return (directory.appendingPathComponent(name + "-inputs.npy"), directory.appendingPathComponent(name + "-targets.npy"))
    }

    /// The cached data, or nil when the entry is missing, unreadable or shaped wrongly.
    static func read(inputs: URL, targets: URL, config: TrainingConfig) -> Dataset? {
        guard FileManager.default.fileExists(atPath: inputs.path),
              let x = try? NumPyFile.read(contentsOf: inputs), let y = try? NumPyFile.read(contentsOf: targets),
              x.elementType == .float32, y.elementType == .float32,
              x.shape == [config.samples] + DatasetLoader.sampleShape(config), y.shape.first == config.samples
        else { return nil }
        let targetsTensor = Tensor(y.values, shape: y.shape)
        guard config.task == .classification else { return Dataset(inputs: Tensor(x.values, shape: x.shape), targets: targetsTensor) }
        guard y.shape == [config.samples], y.values.allSatisfy({ $0 >= 0 && $0 < Float(config.outputs) && $0 == $0.rounded() })
        else { return nil }
        return Dataset(inputs: Tensor(x.values, shape: x.shape), targets: targetsTensor, labels: y.values.map { Int($0) })
    }
}
