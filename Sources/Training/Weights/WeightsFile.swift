import Autograd
import DataFormats
import Foundation
import NN

/// Model weights in and out as safetensors, with PyTorch's names and layouts: a file written
/// by `safetensors.torch.save_file(model.state_dict())` for the same architecture loads as is.
public enum WeightsFile {
    /// Loads every parameter and buffer of `model` from `path`. Names and shapes must match
    /// exactly; otherwise the error lists what differs.
    public static func load(_ path: String, into model: Module) throws {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile.read(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(error.description)
        }
        try assign(file.tensors.map { ($0.name, $0.array) }, to: model, source: path)
    }

    /// Assigns named arrays to the model's state dict, reporting every mismatch at once.
    static func assign(_ entries: [(String, ArrayData)], to model: Module, source: String) throws {
        let state = model.stateDict()
        let byName = Dictionary(entries, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        let expected = Set(state.map(\.name))
        let missing = state.map(\.name).filter { byName[$0] == nil }
        // The file's names and shapes are its text: escaped and cut short, so that the message
        // stays one line, at most a bounded item per tensor of the model (a name with a line
        // break, a shape of thousands of axes: seeds of scripts/fuzz.sh checkpoint's corpus).
        let unexpected = entries.map(\.0).filter { !expected.contains($0) }.map { $0.oneLineForMessage(limit: 60) }
        if !missing.isEmpty { problems.append("missing \(list(missing))") }
        if !unexpected.isEmpty { problems.append("unexpected \(list(unexpected))") }
        for (name, tensor) in state {
            guard let a = byName[name] else { continue }
            let shape = a.shape
            // PyTorch stores num_batches_tracked as a 0-d int64; accept it as a scalar.
            if shape != tensor.shape && !(a.values.count == tensor.count && tensor.count == 1) {
                problems.append("\(name): file has shape \(describe(shape)), model has \(tensor.shape)")
            }
        }
        guard problems.isEmpty else {
            throw ConfigError("\(source): does not fit the model: \(problems.joined(separator: "; ")) "
                + "(check --model, --depth, --width and --batch-norm against the file)")
        }
        for (name, tensor) in state {
            let values = byName[name]!.values
            values.withUnsafeBufferPointer { tensor.pointer.update(from: $0.baseAddress!, count: tensor.count) }
        }
    }

    /// Writes the model's state dict to `path` atomically.
    public static func save(_ model: Module, to path: String, metadata: [String: String] = [:]) throws {
        let tensors = model.stateDict().map { SafeTensorsFile.Tensor(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.scalars) }
        do {
            try SafeTensorsFile(tensors: tensors, metadata: metadata).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(error.description)
        }
    }

    /// A shape as `[4, 10]`, its first four axes only when it has more (no layer has more).
    private static func describe(_ shape: [Int]) -> String {
        shape.count <= 4 ? "\(shape)" : "[" + shape.prefix(4).map(String.init).joined(separator: ", ") + ", … (\(shape.count) axes)]"
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 6 ? names.joined(separator: ", ") : names.prefix(6).joined(separator: ", ") + ", … (\(names.count) in all)"
    }
}
