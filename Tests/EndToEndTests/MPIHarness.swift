import DataFormats
import Foundation
import XCTest

/// Runs `ddp-train` alone and under real `mpirun` for the data-parallel integration tests, and
/// compares what the runs wrote: final weights (safetensors) and loss curves (metrics.jsonl).
enum MPIHarness {
    /// A finished training run and where it wrote its results.
    struct TrainedRun {
        var ranks: Int
        var result: DDPTrainProcess.Result
        var runDirectory: URL
        var weights: URL
        var losses: [Double]
    }

    /// Trains with `arguments` on `ranks` processes (1: no mpirun) and asserts success.
    ///
    /// Adds `--quiet`, a fresh run directory and `--save` under `directory`; multi-rank runs also
    /// check that replicas stay bitwise identical after every step (`--check-replicas-every 1`).
    static func train(ranks: Int, _ arguments: [String], in directory: URL, name: String,
                      file: StaticString = #filePath, line: UInt = #line) throws -> TrainedRun {
        let runDirectory = directory.appendingPathComponent(name)
        let weights = directory.appendingPathComponent("\(name).safetensors")
        var full = arguments + ["--quiet", "--run-dir", runDirectory.path, "--save", weights.path]
        if ranks > 1 { full += ["--check-replicas-every", "1"] }
        let result = ranks == 1 ? try DDPTrainProcess.run(full, timeout: 120)
                                : try DDPTrainProcess.mpirun(ranks: ranks, full, timeout: 120)
        guard result.status == 0 else {
            XCTFail("\(name): ddp-train on \(ranks) rank(s) exited with \(result.status):\n\(result.output)", file: file, line: line)
            throw HarnessError(description: "\(name) failed")
        }
        let losses = try DDPTrainProcess.metrics(runDirectory, type: "step").map { record -> Double in
            guard let loss = number(record["loss"]) else { throw HarnessError(description: "\(name): a step record has no loss") }
            return loss
        }
        return TrainedRun(ranks: ranks, result: result, runDirectory: runDirectory, weights: weights, losses: losses)
    }

    /// ‖a − b‖ / ‖a‖ for every tensor of two safetensors files, in `a`'s order (Double sums).
    static func relativeDifferences(_ a: URL, _ b: URL) throws -> [(name: String, difference: Double)] {
        let first = try SafeTensorsFile.read(contentsOf: a)
        let second = try SafeTensorsFile.read(contentsOf: b)
        XCTAssertEqual(first.tensors.map(\.name), second.tensors.map(\.name), "the two files hold different tensors")
        return try first.tensors.map { tensor in
            guard let other = second[tensor.name], other.shape == tensor.array.shape else {
                throw HarnessError(description: "\(b.lastPathComponent) lacks \(tensor.name) with shape \(tensor.array.shape)")
            }
            var difference = 0.0, norm = 0.0
            for (x, y) in zip(tensor.array.values, other.values) {
                difference += Double(x - y) * Double(x - y)
                norm += Double(x) * Double(x)
            }
            let relative = norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
            return (tensor.name, relative)
        }
    }

    /// Whether two safetensors files hold bit-for-bit the same tensors.
    static func bitwiseEqual(_ a: URL, _ b: URL) throws -> Bool {
        let first = try SafeTensorsFile.read(contentsOf: a), second = try SafeTensorsFile.read(contentsOf: b)
        guard first.tensors.map(\.name) == second.tensors.map(\.name) else { return false }
        return zip(first.tensors, second.tensors).allSatisfy { x, y in
            x.array.shape == y.array.shape
                && zip(x.array.values, y.array.values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }

    /// The largest |a − b| / |a| over two loss curves of the same length.
    static func worstLossDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "loss curves of \(a.count) and \(b.count) steps")
        return zip(a, b).map { abs($0 - $1) / max(abs($0), 1e-30) }.max() ?? 0
    }

    /// Asserts that `candidate`'s weights are within `tolerance` of `reference`'s, tensor by
    /// tensor, and prints the worst difference (the measured value the report quotes).
    /// - Returns: the worst relative difference.
    @discardableResult
    static func assertWeightsClose(_ candidate: TrainedRun, to reference: TrainedRun, tolerance: Double, _ label: String,
                                   excluding excluded: Set<String> = [],
                                   file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        let all = try relativeDifferences(reference.weights, candidate.weights)
        let differences = all.filter { !excluded.contains($0.name) }
        for d in all where excluded.contains(d.name) {
            print(String(format: "[MPI] %@: %d ranks vs %d: excluded %@ differs by %.3e", label, candidate.ranks, reference.ranks,
                         d.name, d.difference))
        }
        XCTAssertFalse(differences.isEmpty, "\(label): no tensors compared", file: file, line: line)
        let worst = differences.max { $0.difference < $1.difference }!
        print(String(format: "[MPI] %@: %d ranks vs %d: worst parameter ‖Δ‖/‖p‖ = %.3e (%@)",
                     label, candidate.ranks, reference.ranks, worst.difference, worst.name))
        for d in differences where !(d.difference <= tolerance) {
            XCTFail("\(label): \(d.name) differs by \(d.difference) relative (tolerance \(tolerance)) "
                    + "between \(reference.ranks) and \(candidate.ranks) rank(s)", file: file, line: line)
        }
        return worst.difference
    }

    /// Asserts that two loss curves have `steps` steps and agree to `tolerance` relative, and
    /// prints the worst difference.
    @discardableResult
    static func assertLossesClose(_ candidate: TrainedRun, to reference: TrainedRun, steps: Int, tolerance: Double,
                                  _ label: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        XCTAssertEqual(reference.losses.count, steps, "\(label): step records on \(reference.ranks) rank(s)", file: file, line: line)
        XCTAssertEqual(candidate.losses.count, steps, "\(label): step records on \(candidate.ranks) rank(s)", file: file, line: line)
        guard reference.losses.count == candidate.losses.count, !reference.losses.isEmpty else { return .infinity }
        let worst = worstLossDifference(reference.losses, candidate.losses)
        print(String(format: "[MPI] %@: %d ranks vs %d: worst loss difference over %d steps = %.3e (loss %.4f → %.4f)",
                     label, candidate.ranks, reference.ranks, steps, worst, reference.losses[0], reference.losses.last!))
        XCTAssertLessThanOrEqual(worst, tolerance, "\(label): loss curves of \(reference.ranks) and \(candidate.ranks) rank(s)",
                                 file: file, line: line)
        return worst
    }

    /// Starts `mpirun arguments` without waiting; the caller ends it.
    static func start(_ arguments: [String], output: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try DDPTrainProcess.which("mpirun"))
        process.arguments = arguments
        process.environment = DDPTrainProcess.environment
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// The pids of `parent`'s direct children (from /proc).
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { return false }
            // The fields after "(comm)" are: state, ppid, …
            let fields = stat[close.upperBound...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    /// The pids of `parent`'s direct children that run as MPI rank `rank`.
    static func rankProcesses(of parent: Int32, rank: Int) -> [Int32] {
        let marker = Array("OMPI_COMM_WORLD_RANK=\(rank)".utf8)
        return children(of: parent).filter { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { Array($0) == marker }
        }
    }

    /// A JSON number, whether it was parsed as an integer or a floating-point value.
    static func number(_ value: Any?) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        return (value as? NSNumber)?.doubleValue
    }

    /// A failure of the harness itself (a run that did not produce what the test reads).
    struct HarnessError: Error, CustomStringConvertible {
        let description: String
    }
}
