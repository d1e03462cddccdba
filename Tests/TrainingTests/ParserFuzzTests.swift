import Collectives
import Foundation
@testable import Training
import XCTest

/// Seeded random mutation of valid inputs for the parsers Training owns (config files,
/// hostfiles, checkpoints): every input either parses or is refused with a ConfigError —
/// never a crash, a hang, or an unbounded allocation. Inputs that once misbehaved live in
/// Fixtures/corpus and are replayed.
final class ParserFuzzTests: XCTestCase {
    /// SplitMix64: a tiny deterministic generator, so failures reproduce.
    struct Mutator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

        /// Flips, inserts, deletes, duplicates or truncates bytes; sometimes splices in tokens
        /// that parsers find interesting.
        mutating func mutate(_ input: [UInt8]) -> [UInt8] {
            var bytes = input
            let tokens: [[UInt8]] = ["\"", "{", "}", "[", "]", ",", ":", "=", "-1", "1e309", "null", "slots=", "#", "\n", "\u{0}",
                                     "99999999999999999999"].map { Array($0.utf8) }
            for _ in 0...below(4) {
                switch below(6) {
                case 0 where !bytes.isEmpty: bytes[below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << below(8))
                case 1: bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
                case 2 where !bytes.isEmpty: bytes.remove(at: below(bytes.count))
                case 3: bytes.insert(contentsOf: tokens[below(tokens.count)], at: below(bytes.count + 1))
                case 4 where !bytes.isEmpty: bytes.removeLast(below(bytes.count))
                default:
                    if !bytes.isEmpty {
                        let start = below(bytes.count), end = min(bytes.count, start + below(16))
                        bytes.insert(contentsOf: bytes[start..<end], at: below(bytes.count + 1))
                    }
                }
            }
            return bytes
        }
    }

    func testConfigFileFuzz() throws {
        let seed = Data(#"{"lr": 0.05, "epochs": 3, "activation": "relu", "globalBatchSize": 16, "comparison": [{"name": "a", "lr": 0.1, "globalBatchSize": 8}]}"#.utf8)
        var mutator = Mutator(state: 1)
        var parsed = 0, refused = 0
        for _ in 0..<4000 {
            let input = Data(mutator.mutate(Array(seed)))
            do {
                _ = try TrainingConfig().overlaying(json: input, source: "fuzz.json")
                parsed += 1
            } catch let error as ConfigError {
                XCTAssertTrue(error.message.hasPrefix("fuzz.json: "), error.message)
                XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)")
                refused += 1
            }
        }
        XCTAssertGreaterThan(parsed, 0)
        XCTAssertGreaterThan(refused, 0)
    }

    func testHostfileFuzz() throws {
        let seed = Array("# cluster\nnode01 slots=4\nnode02 slots=8 max_slots=16\n\nnode03\n".utf8)
        var mutator = Mutator(state: 2)
        var parsed = 0, refused = 0
        for _ in 0..<20000 {
            let text = String(decoding: mutator.mutate(seed), as: UTF8.self)
            do {
                let h = try Hostfile.parse(text, source: "hosts")
                XCTAssertFalse(h.hosts.isEmpty)
                XCTAssertTrue(h.hosts.allSatisfy { $0.slots >= 1 })
                parsed += 1
            } catch let error as ConfigError {
                XCTAssertTrue(error.message.hasPrefix("hosts: "), error.message)
                refused += 1
            }
        }
        XCTAssertGreaterThan(parsed, 0)
        XCTAssertGreaterThan(refused, 0)
    }

    func testCheckpointFuzz() throws {
        // A real checkpoint, written by the real store, then each of its files mutated.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-fuzz-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = TrainingConfig()
        config.depth = 2
        config.width = 4
        let plan = try RunPlan.resolve(config, worldSize: 1, trainSamples: 100)
        let model = ModelFactory.make(plan)
        let optimizer = OptimizerFactory.make(plan, parameters: model.parameters)
        let state = CheckpointState(step: 3, epoch: 1, stepInEpoch: 0, worldSize: 1, effectiveBatch: 100, skippedSteps: 0,
                                    epochLossSum: 0, firstLoss: 1, firstNorms: [1, 2, 3], config: config, runDirectory: nil,
                                    checksums: [:], createdAt: "now")
        let url = try CheckpointStore(root: dir).write(state: state, model: model, optimizer: optimizer, keep: 1)
        XCTAssertNoThrow(try CheckpointStore.load(url))
        var mutator = Mutator(state: 3)
        for name in [CheckpointStore.stateFile, CheckpointStore.modelFile] {
            let file = url.appendingPathComponent(name)
            let original = Array(try Data(contentsOf: file))
            var refused = 0
            for _ in 0..<600 {
                try Data(mutator.mutate(original)).write(to: file)
                do {
                    _ = try CheckpointStore.load(url)
                } catch let error as ConfigError {
                    XCTAssertFalse(error.message.contains("\n"), error.message)
                    refused += 1
                }
            }
            try Data(original).write(to: file)
            XCTAssertGreaterThan(refused, 500, "\(name): mutations should nearly always be caught")
        }
    }

    /// Replays every input that is known to be nasty, and what libFuzzer kept (scripts/fuzz.sh):
    /// `good*` must parse, `fuzz-*` may parse, everything else must be refused with a ConfigError.
    func testCorpusReplays() throws {
        let root = TestFiles.fixture("corpus")
        for kind in ["hostfile", "config"] {
            let folder = root.appendingPathComponent(kind)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            XCTAssertFalse(names.isEmpty)
            for name in names {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                do {
                    if kind == "hostfile" {
                        _ = try Hostfile.parse(String(decoding: data, as: UTF8.self), source: name)
                    } else {
                        _ = try TrainingConfig().overlaying(json: data, source: name)
                    }
                    // Inputs kept by scripts/fuzz.sh (fuzz-*) widen coverage; they may be valid.
                    XCTAssertTrue(name.hasPrefix("good") || name.hasPrefix("fuzz-"), "\(kind)/\(name) should be refused")
                } catch let error as ConfigError {
                    XCTAssertFalse(name.hasPrefix("good"), "\(kind)/\(name): \(error)")
                    XCTAssertFalse(error.message.contains("\n") || error.message.contains("\r"), "\(kind)/\(name): \(error)")
                }
            }
        }
    }

    /// Replays Fixtures/corpus/checkpoint/ the way `scripts/fuzz.sh checkpoint`
    /// (Fuzz/checkpoint.swift) reads its inputs: state.json, optionally followed by a NUL, a
    /// selector byte (even: model, odd: optimizer) and that tensor file; the other tensor files
    /// are a real checkpoint's of the default configuration at depth 2, width 4 and momentum 0.9, and "@model" / "@optimizer" in the
    /// state stand for those files' checksums. Each is decoded and restored into a trainer:
    /// `good*` must resume, `fuzz-*` may, everything else must be refused with one line naming
    /// the checkpoint.
    func testCheckpointCorpusReplays() throws {
        var config = TrainingConfig()
        config.depth = 2
        config.width = 4
        config.momentum = 0.9
        let data = try DatasetLoader.load(config)
        let plan = try RunPlan.resolve(config, worldSize: 1, trainSamples: data.count)
        let trainer = try Trainer(plan: plan, train: data, validation: nil, communicator: SingleProcessCommunicator(),
                                  runDirectory: nil, console: Console(rank: 0, quiet: true))
        let state = CheckpointState(step: 0, epoch: 0, stepInEpoch: 0, worldSize: 1, effectiveBatch: plan.effectiveBatch,
                                    skippedSteps: 0, epochLossSum: 0, firstLoss: nil, firstNorms: nil, config: config,
                                    runDirectory: nil, checksums: [:], createdAt: "fuzz")
        let written = try CheckpointStore(root: try TestFiles.temporaryDirectory(self))
            .write(state: state, model: trainer.model, optimizer: trainer.optimizer, keep: 1)
        let realModel = try Data(contentsOf: written.appendingPathComponent(CheckpointStore.modelFile))
        let realOptimizer = try Data(contentsOf: written.appendingPathComponent(CheckpointStore.optimizerFile))
        let directory = URL(fileURLWithPath: "/fuzz/step-00000007")

        let folder = TestFiles.fixture("corpus").appendingPathComponent("checkpoint")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 20)
        for name in names {
            let input = try Data(contentsOf: folder.appendingPathComponent(name))
            var stateData = input, model = realModel, optimizer = realOptimizer
            if let nul = input.firstIndex(of: 0) {
                stateData = Data(input[..<nul])
                let rest = input[(nul + 1)...]
                if let selector = rest.first {
                    if selector % 2 == 0 { model = Data(rest.dropFirst()) } else { optimizer = Data(rest.dropFirst()) }
                }
            }
            stateData = Self.replacing("@model", with: Checksum.fnv1a(model), in: stateData)
            stateData = Self.replacing("@optimizer", with: Checksum.fnv1a(optimizer), in: stateData)
            let files = [CheckpointStore.stateFile: stateData, CheckpointStore.modelFile: model,
                         CheckpointStore.optimizerFile: optimizer]
            do {
                let checkpoint = try CheckpointStore.decode(directory: directory) { files[$0]! }
                try trainer.restore(from: checkpoint)
                _ = trainer.summary().render()
                XCTAssertTrue(name.hasPrefix("good") || name.hasPrefix("fuzz-"), "checkpoint/\(name) should be refused")
            } catch let error as ConfigError {
                XCTAssertFalse(name.hasPrefix("good"), "checkpoint/\(name): \(error)")
                XCTAssertTrue(error.message.hasPrefix(directory.path), "checkpoint/\(name): \(error)")
                XCTAssertFalse(error.message.contains("\n") || error.message.contains("\r"), "checkpoint/\(name): \(error)")
                XCTAssertLessThan(error.message.count, 2000, "checkpoint/\(name): \(error.message.prefix(200))…")
            }
        }
    }

    /// Counts in state.json that trapped in `Trainer.restore` or later in the run are refused by
    /// name when the checkpoint is decoded, before any tensor file is read.
    func testCheckpointCountsThatWouldTrapAreRefused() throws {
        let directory = URL(fileURLWithPath: "/ckpt/step-00000009")
        func message(_ edit: (inout CheckpointState) -> Void) throws -> String {
            var state = CheckpointState(step: 9, epoch: 1, stepInEpoch: 4, worldSize: 1, effectiveBatch: 20, skippedSteps: 0,
                                        epochLossSum: 1, firstLoss: 1, firstNorms: nil, config: TrainingConfig(),
                                        runDirectory: nil, checksums: [:], createdAt: "now")
            edit(&state)
            let data = try JSONEncoder().encode(state)
            do {
                _ = try CheckpointStore.decode(directory: directory) { name in
                    guard name == CheckpointStore.stateFile else { throw ConfigError("\(name) was read") }
                    return data
                }
                return ""
            } catch let error as ConfigError {
                return error.message
            }
        }
        let file = "/ckpt/step-00000009/state.json"
        XCTAssertEqual(try message { _ in }, "model.safetensors was read", "a sound state gets as far as the tensors")
        XCTAssertEqual(try message { $0.epoch = -1 }, "\(file): epoch is -1, outside 0…2^53; the file is corrupt")
        XCTAssertEqual(try message { $0.effectiveBatch = 0 }, "\(file): effectiveBatch is 0, outside 1…2^53; the file is corrupt")
        XCTAssertEqual(try message { $0.epoch = .max }, "\(file): epoch is \(Int.max), outside 0…2^53; the file is corrupt")
        XCTAssertEqual(try message { $0.stepInEpoch = 1 << 40; $0.effectiveBatch = 1 << 30 },
                       "\(file): stepInEpoch 1099511627776 × effectiveBatch 1073741824, the position in the epoch in samples, "
                       + "is too large to compute; the file is corrupt")
        XCTAssertEqual(try message { $0.checksums = ["a\nb": "1"]; $0.formatVersion = 2 },
                       "/ckpt/step-00000009: checkpoint format 2 is not supported by this ddp-train (1)")
    }

    /// `data` with every `placeholder` replaced by `value`, byte for byte (as the fuzz target does).
    private static func replacing(_ placeholder: String, with value: String, in data: Data) -> Data {
        var data = data
        let needle = Data(placeholder.utf8), replacement = Data(value.utf8)
        var from = data.startIndex
        while let range = data.range(of: needle, in: from..<data.endIndex) {
            data.replaceSubrange(range, with: replacement)
            from = range.lowerBound + replacement.count
        }
        return data
    }
}
