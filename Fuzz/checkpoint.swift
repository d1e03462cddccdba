import Collectives
import Foundation
import Training

// `--resume DIR`: a checkpoint's state.json and tensor files, loaded the way `CheckpointStore.load`
// loads them (`CheckpointStore.decode`, the same checks without the file system), then restored
// into a trainer as a resumed run would be. Any input either resumes or is refused with a
// one-line ConfigError naming the checkpoint.
//
// The input is state.json, optionally followed by a NUL byte (which JSON text cannot hold), a
// selector byte and a tensor file: an even selector replaces model.safetensors, an odd one
// optimizer.safetensors. The tensor files not replaced are those of a real checkpoint of the
// default configuration at depth 2, width 4 and momentum 0.9. Before decoding, the text "@model" and "@optimizer" in the state is
// replaced by the checksum of that file (FNV-1a 64, hex), so that inputs can get past the
// checksum check to the tensor parsing and the restore behind it.

/// FNV-1a 64 in hex, as `CheckpointStore` writes it (its own is internal).
private func fnv1a(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return String(hash, radix: 16)
}

/// What every input is resumed into: a trainer of the default configuration, and the tensor
/// files of a real checkpoint of it.
private struct Fixture {
    let trainer: Trainer
    let model: Data
    let optimizer: Data

    init() {
        do {
            var config = TrainingConfig()
            config.depth = 2  // small tensor files: inputs can hold a whole one
            config.width = 4
            config.momentum = 0.9  // SGD with momentum buffers in its optimizer state
            let data = try DatasetLoader.load(config)
            let plan = try RunPlan.resolve(config, worldSize: 1, trainSamples: data.count)
            trainer = try Trainer(plan: plan, train: data, validation: nil, communicator: SingleProcessCommunicator(),
                                  runDirectory: nil, console: Console(rank: 0, quiet: true))
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("ddp-fuzz-checkpoint-\(getpid())")
            defer { try? FileManager.default.removeItem(at: root) }
            let state = CheckpointState(step: 0, epoch: 0, stepInEpoch: 0, worldSize: 1, effectiveBatch: plan.effectiveBatch,
                                        skippedSteps: 0, epochLossSum: 0, firstLoss: nil, firstNorms: nil, config: config,
                                        runDirectory: nil, checksums: [:], createdAt: "fuzz")
            let url = try CheckpointStore(root: root).write(state: state, model: trainer.model, optimizer: trainer.optimizer, keep: 1)
            model = try Data(contentsOf: url.appendingPathComponent(CheckpointStore.modelFile))
            optimizer = try Data(contentsOf: url.appendingPathComponent(CheckpointStore.optimizerFile))
        } catch {
            fatalError("fuzz checkpoint: cannot build the fixture: \(error)")
        }
    }
}

nonisolated(unsafe) private let fixture = Fixture()
private let directory = URL(fileURLWithPath: "/fuzz/step-00000007")

/// `data` with every `placeholder` replaced by `value`.
private func replacing(_ placeholder: String, with value: String, in data: Data) -> Data {
    var data = data
    let needle = Data(placeholder.utf8), replacement = Data(value.utf8)
    var from = data.startIndex
    while let range = data.range(of: needle, in: from..<data.endIndex) {
        data.replaceSubrange(range, with: replacement)
        from = range.lowerBound + replacement.count
    }
    return data
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Data(bytes: bytes, count: count)
    var state = input, model = fixture.model, optimizer = fixture.optimizer
    if let nul = input.firstIndex(of: 0) {
        state = input[..<nul]
        let rest = input[(nul + 1)...]
        if let selector = rest.first {
            if selector % 2 == 0 { model = Data(rest.dropFirst()) } else { optimizer = Data(rest.dropFirst()) }
        }
    }
    state = replacing("@model", with: fnv1a(model), in: Data(state))
    state = replacing("@optimizer", with: fnv1a(optimizer), in: state)
    let files = [CheckpointStore.stateFile: state, CheckpointStore.modelFile: model, CheckpointStore.optimizerFile: optimizer]
    do {
        let checkpoint = try CheckpointStore.decode(directory: directory) { files[$0]! }
        try fixture.trainer.restore(from: checkpoint)
        _ = fixture.trainer.summary().render()
    } catch let error as ConfigError {
        // A tensor file that does not fit is described tensor by tensor (six in the fixture's
        // model), each item bounded: hence a longer limit than the other targets' 1000.
        guard error.message.hasPrefix(directory.path), !error.message.contains("\n"), !error.message.contains("\r"),
              error.message.count < 2000 else {
            fatalError("malformed error: \(error.message.prefix(1200))")
        }
    } catch {
        fatalError("not a ConfigError: \(error)")
    }
    return 0
}
