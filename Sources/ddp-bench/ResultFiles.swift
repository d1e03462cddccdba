import Foundation

/// The JSON files one `scripts/bench.sh` run leaves in its results directory, read back for
/// ``SummaryCommand``.
///
/// Ours are the reports the subcommands write; PyTorch's are what `scripts/bench_pytorch.py`
/// and `scripts/bench_pytorch_ddp.py` write. A file that is missing (PyTorch not installed, a
/// world size not run) is simply absent from the summary.
struct ResultFiles {
    /// `engine-<round>.json`, one per round.
    var engine: [EngineReport] = []
    /// `pytorch-<round>.json`.
    var pytorch: [TorchEngineReport] = []
    /// `allreduce-<ranks>.json`.
    var allReduce: [AllReduceReport] = []
    /// `scaling-<ranks>.json`.
    var scaling: [ScalingReport] = []
    /// `scaling-<ranks>-no-overlap.json`.
    var scalingNoOverlap: [ScalingReport] = []
    /// `pytorch-ddp.json`.
    var pytorchDDP: TorchDDPReport?

    /// Reads every file of a results directory.
    /// - Throws: ``BenchError/cannotRead(path:reason:)`` when the directory cannot be listed or
    ///   a file is not the JSON its name promises.
    init(directory: String) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw BenchError.cannotRead(path: directory, reason: error.localizedDescription)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf",
                                                                        negativeInfinity: "-inf", nan: "nan")
        func read<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                return try decoder.decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw BenchError.cannotRead(path: path, reason: "\(error)")
            }
        }
        for name in names where name.hasSuffix(".json") {
            if name == "pytorch-ddp.json" {
                pytorchDDP = try read(name, as: TorchDDPReport.self)
            } else if name.hasPrefix("pytorch-") {
                pytorch.append(try read(name, as: TorchEngineReport.self))
            } else if name.hasPrefix("engine-") {
                engine.append(try read(name, as: EngineReport.self))
            } else if name.hasPrefix("allreduce-") {
                allReduce.append(try read(name, as: AllReduceReport.self))
            } else if name.hasPrefix("scaling-") && name.hasSuffix("-no-overlap.json") {
                scalingNoOverlap.append(try read(name, as: ScalingReport.self))
            } else if name.hasPrefix("scaling-") {
                scaling.append(try read(name, as: ScalingReport.self))
            }
        }
        scaling.sort { $0.worldSize < $1.worldSize }
        scalingNoOverlap.sort { $0.worldSize < $1.worldSize }
        allReduce.sort { $0.worldSize < $1.worldSize }
    }
}

/// What `scripts/bench_pytorch.py --json` writes.
struct TorchEngineReport: Codable {
    struct Workload: Codable {
        let name: String
        let medianMs: Double
        let samplesPerS: Double
    }
    struct Sgemm: Codable {
        let n: Int
        let medianMs: Double
        let gflops: Double
    }
    let torchVersion: String
    let threads: Int
    let training: [Workload]
    let sgemm: Sgemm
}

/// What `scripts/bench_pytorch_ddp.py --json` writes.
struct TorchDDPReport: Codable {
    struct Result: Codable {
        let world: Int
        let samplesPerS: Double
        let medianStepMs: Double
        let efficiency: Double
    }
    let torchVersion: String
    let perRankBatch: Int
    let results: [Result]
}
