import Foundation
import XCTest

/// Runs the real `ddp-train` executable (built next to the test bundle) alone or under real
/// `mpirun`, and captures what it printed.
enum DDPTrainProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        /// Everything printed, for failure messages.
        var output: String { stdout + stderr }
    }

    /// The directory holding the built products (`.build/<configuration>`).
    static var productsDirectory: URL {
        // The test bundle (ddp-trainPackageTests.xctest) sits in the products directory.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The ddp-train binary under test.
    static var executable: URL { productsDirectory.appendingPathComponent("ddp-train") }

    /// A fresh temporary directory, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ddp-train-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The environment every launch gets: one BLAS thread per rank, and what Open MPI needs to
    /// run as root and with more ranks than cores.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
        // Keep Open MPI from probing network interfaces it cannot use in containers.
        env["OMPI_MCA_btl"] = env["OMPI_MCA_btl"] ?? "self,vader,tcp"
        return env
    }

    /// Runs `ddp-train arguments` as one process.
    /// `extraEnvironment` is added to the test environment (e.g. `DDP_TRAIN_DATA`).
    static func run(_ arguments: [String], timeout: Double = 300, extraEnvironment: [String: String] = [:]) throws -> Result {
        try launch(executable.path, arguments, timeout: timeout, extraEnvironment: extraEnvironment)
    }

    /// Runs `mpirun -np ranks ddp-train arguments`.
    static func mpirun(ranks: Int, _ arguments: [String], timeout: Double = 300) throws -> Result {
        let mpirun = try which("mpirun")
        return try launch(mpirun, ["-np", "\(ranks)", "--oversubscribe", executable.path] + arguments, timeout: timeout)
    }

    /// Runs any command with the test environment, killing it after `timeout` seconds.
    static func launch(_ path: String, _ arguments: [String], timeout: Double,
                       extraEnvironment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment.merging(extraEnvironment) { _, extra in extra }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let start = Date()
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let collected = CollectedOutput()
        let group = DispatchGroup()
        for (index, pipe) in [out, err].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                collected.set(index, pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            usleep(500_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: collected.get(0), as: UTF8.self),
                      stderr: String(decoding: collected.get(1), as: UTF8.self),
                      seconds: Date().timeIntervalSince(start))
    }

    /// The full path of a program on PATH.
    static func which(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("\(name) is not installed")
    }

    /// Reads metrics.jsonl records of one type ("step" or "epoch").
    static func metrics(_ runDirectory: URL, type: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: runDirectory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String == type ? object : nil
        }
    }

    /// The URL of a committed fixture.
    static func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
    }
}

/// The two pipes' contents, written by the reader threads and read after they finish.
private final class CollectedOutput: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var data = [Data(), Data()]
    func set(_ index: Int, _ value: Data) { lock.lock(); data[index] = value; lock.unlock() }
    func get(_ index: Int) -> Data { lock.lock(); defer { lock.unlock() }; return data[index] }
}
