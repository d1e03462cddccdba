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
}
