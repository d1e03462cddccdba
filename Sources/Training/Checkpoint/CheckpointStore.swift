import Autograd
import DataFormats
import Foundation
import NN
#if canImport(Glibc)
import Glibc
#endif

/// Writes and finds checkpoints in a directory: one subdirectory per checkpoint,
/// `step-00000042/`, holding model.safetensors, optimizer.safetensors and state.json.
///
/// A checkpoint is written into a hidden temporary directory, each file flushed to disk, then
/// the directory is renamed into place and its parent flushed. A rename is atomic, so killing
/// the process at any moment leaves either the complete new checkpoint or none: never a
/// half-written "latest". Loading verifies every file's checksum.
public struct CheckpointStore: Sendable {
    /// The model's parameters and buffers, PyTorch state-dict names.
    public static let modelFile = "model.safetensors"
    /// The optimizer's state tensors.
    public static let optimizerFile = "optimizer.safetensors"
    /// The `CheckpointState`, written last: a checkpoint without it is incomplete.
    public static let stateFile = "state.json"

    /// The directory holding one subdirectory per checkpoint.
    public let root: URL

    /// A store of checkpoints under `root`.
    public init(root: URL) {
        self.root = root
    }

    /// The directory name of the checkpoint after `step` steps.
    public static func name(step: Int) -> String { String(format: "step-%08d", step) }

    /// Writes a checkpoint and removes all but the newest `keep`.
    @discardableResult
    public func write(state: CheckpointState, model: Module, optimizer: Optimizer, keep: Int) throws -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw ConfigError("\(root.path): cannot create the checkpoint directory (\(TrainingConfig.reason(error)))")
        }
        let final = root.appendingPathComponent(CheckpointStore.name(step: state.step))
        let temporary = root.appendingPathComponent(".tmp-\(CheckpointStore.name(step: state.step))-\(getpid())")
        try? fm.removeItem(at: temporary)
        var needed = 0  // bytes of the files, once encoded: what a failure message reports
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            let modelData = try SafeTensorsFile(
                tensors: model.stateDict().map { .init(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.scalars) },
                metadata: ["format": "pt"]).encoded(file: CheckpointStore.modelFile)
            let optimizerData = try SafeTensorsFile(
                tensors: optimizer.namedState().map { .init(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.scalars) },
                metadata: ["step_count": "\(optimizer.stepCount)", "optimizer": "\(type(of: optimizer))"]).encoded(file: CheckpointStore.optimizerFile)
            var state = state
            state.checksums = [CheckpointStore.modelFile: Checksum.fnv1a(modelData),
                               CheckpointStore.optimizerFile: Checksum.fnv1a(optimizerData)]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let stateData = try encoder.encode(state)
            needed = modelData.count + optimizerData.count + stateData.count
            try AtomicFileWriter.write(modelData, to: temporary.appendingPathComponent(CheckpointStore.modelFile))
            try AtomicFileWriter.write(optimizerData, to: temporary.appendingPathComponent(CheckpointStore.optimizerFile))
            try AtomicFileWriter.write(stateData, to: temporary.appendingPathComponent(CheckpointStore.stateFile))
            if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
            guard rename(temporary.path, final.path) == 0 else {
                throw ConfigError("\(final.path): cannot move the checkpoint into place (\(String(cString: strerror(errno))))")
            }
            Durability.syncDirectory(root.path)
        } catch {
            try? fm.removeItem(at: temporary)
            // Say what it takes (a full disk is the usual cause) and that nothing older was lost.
            let space = needed > 0
                ? "; it needs \(needed) bytes, \(CheckpointStore.freeBytes(root.path).map { "\($0) bytes are free" } ?? "free space unknown") in \(root.path)"
                : ""
            let kept = latest().map { "; the previous checkpoint \($0.path) is intact" } ?? ""
            throw ConfigError("\(root.path): cannot write checkpoint \(CheckpointStore.name(step: state.step)) "
                              + "(\(error))\(space)\(kept)")
        }
        prune(keep: keep)
        return final
    }

    /// Bytes available to this process on the file system holding `path` (nil when unknown).
    static func freeBytes(_ path: String) -> Int? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// Complete checkpoints, oldest first (temporary directories are ignored).
    public func checkpoints() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.hasPrefix("step-") }.sorted().map { root.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent(CheckpointStore.stateFile).path) }
    }

    /// The newest complete checkpoint, if any.
    public func latest() -> URL? { checkpoints().last }

    /// Removes all but the newest `keep` checkpoints, and stale temporary directories.
    public func prune(keep: Int) {
        let all = checkpoints()
        for url in all.dropLast(max(keep, 1)) { try? FileManager.default.removeItem(at: url) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in names where name.hasPrefix(".tmp-step-") && !name.hasSuffix("-\(getpid())") {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
    }

    /// Resolves `--resume`: a checkpoint directory, a directory of checkpoints (its newest), or
    /// "latest" (the newest in `checkpointDir`).
    public static func locate(_ spec: String, checkpointDir: String?) throws -> URL {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if spec == "latest" {
            guard let dir = checkpointDir else {
                throw ConfigError("--resume latest needs --checkpoint-dir DIR to know where to look")
            }
            guard let url = CheckpointStore(root: URL(fileURLWithPath: dir)).latest() else {
                throw ConfigError("\(dir): no complete checkpoint to resume from (expected step-NNNNNNNN/ directories)")
            }
            return url
        }
        guard fm.fileExists(atPath: spec, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError("--resume \(spec): no such checkpoint directory")
        }
        let url = URL(fileURLWithPath: spec)
        if fm.fileExists(atPath: url.appendingPathComponent(stateFile).path) { return url }
        guard let newest = CheckpointStore(root: url).latest() else {
            throw ConfigError("\(spec): not a checkpoint (no state.json) and holds no step-NNNNNNNN/ checkpoints")
        }
        return newest
    }

    /// Loads and verifies a checkpoint directory.
    public static func load(_ url: URL) throws -> Checkpoint {
        try decode(directory: url) { name in
            let path = url.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError("\(path): missing or unreadable; the checkpoint is incomplete")
            }
            return data
        }
    }

    /// Verifies and decodes a checkpoint whose files `read` supplies by name (state.json first,
    /// then each tensor file): what `load` does, without the file system, so that a checkpoint
    /// already in memory (or a fuzzer's bytes) takes exactly the same checks. Messages name the
    /// files as if they were inside `directory`.
    public static func decode(directory url: URL, reading read: (String) throws -> Data) throws -> Checkpoint {
        let statePath = url.appendingPathComponent(stateFile).path
        let state = try CheckpointState.decode(try read(stateFile), file: statePath)
        guard state.formatVersion == 1 else {
            throw ConfigError("\(url.path): checkpoint format \(state.formatVersion) is not supported by this ddp-train (1)")
        }
        try state.validate(file: statePath)
        var files: [String: SafeTensorsFile] = [:]
        for name in [modelFile, optimizerFile] {
            let data = try read(name)
            guard let expected = state.checksums[name], expected == Checksum.fnv1a(data) else {
                throw ConfigError("\(url.appendingPathComponent(name).path): checksum mismatch; the file is corrupt. "
                                  + "Resume from an earlier checkpoint")
            }
            do {
                files[name] = try SafeTensorsFile(decoding: data, file: url.appendingPathComponent(name).path)
            } catch {
                throw ConfigError(error.description)
            }
        }
        return Checkpoint(directory: url, state: state, model: files[modelFile]!, optimizer: files[optimizerFile]!)
    }
}

/// FNV-1a 64-bit checksums, for detecting corrupted checkpoint files.
enum Checksum {
    static func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            for byte in raw { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return String(hash, radix: 16)
    }
}

/// Flushing directories, so that a rename inside them survives a crash.
enum Durability {
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
