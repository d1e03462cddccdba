import Foundation
import XCTest

/// Another package can depend on ddp-train by URL and version: a client package that names
/// `.package(url:from:)` resolves a tagged copy of this repository, builds against the library
/// products Training, Collectives, NN and Autograd (next to the toolchain's own Distributed
/// module), and trains two optimizer steps through the public API.
///
/// What is tested is the committed HEAD of this checkout: the client resolves a bare clone, so
/// uncommitted changes in the working tree are not part of it. Commit before trusting a pass.
final class PackageDependencyTests: XCTestCase {
    /// The version the bare clone is tagged with, and the lowest the client accepts.
    private static let version = "1.0.0"

    func testClientPackageBuildsAndTrainsAgainstTaggedRelease() throws {
        let git = try DDPTrainProcess.which("git")
        let swift = try DDPTrainProcess.which("swift")
        // Tests/EndToEndTests/PackageDependencyTests.swift → the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let head = try DDPTrainProcess.launch(git, ["-C", root.path, "rev-parse", "--verify", "HEAD"], timeout: 60)
        guard head.status == 0 else {
            throw XCTSkip("\(root.path) is not a git checkout with a commit (git rev-parse HEAD: \(head.stderr)); "
                          + "there is no committed HEAD to tag")
        }
        let commit = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        // A bare clone of the committed HEAD, tagged with a semantic version. Only committed
        // history is cloned: uncommitted changes in this checkout are not what the client builds.
        // --no-tags: a higher version tag already in the repository would otherwise win `from:`.
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let bare = dir.appendingPathComponent("ddp-train.git")
        try runChecked(git, ["clone", "--quiet", "--bare", "--single-branch", "--no-tags", root.path, bare.path], "clone the repository")
        try runChecked(git, ["-C", bare.path, "-c", "user.name=PackageDependencyTests", "-c", "user.email=tests@ddp-train.invalid",
                      "tag", "-a", "-m", "PackageDependencyTests", Self.version, commit], "tag \(commit)")

        let client = dir.appendingPathComponent("client")
        try writeClientPackage(at: client, dependency: bare)

        // Debug is enough to prove the products link; dependency and manifest caches stay in the
        // temporary directory so that runs neither share state nor grow the user's caches.
        let scratch = dir.appendingPathComponent("scratch")
        let build = try runChecked(swift, ["build", "--package-path", client.path, "--scratch-path", scratch.path,
                                    "--disable-dependency-cache", "--manifest-cache", "local",
                                    "--cache-path", dir.appendingPathComponent("cache").path],
                            "build the client package", timeout: 600)
        print("PackageDependencyTests: client package (ddp-train \(Self.version) by URL) built in "
              + String(format: "%.1f", build.seconds) + " s")

        let binary = scratch.appendingPathComponent("debug/DDPTrainClient")
        let result = try runChecked(binary.path, [], "run the client", timeout: 120)
        XCTAssertTrue(result.stdout.contains("distributed actor says: hello from Greeter"), result.output)
        let losses = result.stdout.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("loss at step ") else { return nil }
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        XCTAssertEqual(losses.count, 2, "expected the losses of two optimizer steps:\n\(result.output)")
        XCTAssertTrue(losses.allSatisfy(\.isFinite), "non-finite loss:\n\(result.output)")
        XCTAssertTrue(result.stdout.contains("optimizer steps: 2"), result.output)
    }

    /// Runs a command, and throws with its output unless it exits with status 0.
    @discardableResult
    private func runChecked(_ path: String, _ arguments: [String], _ what: String, timeout: Double = 60) throws
        -> DDPTrainProcess.Result {
        let result = try DDPTrainProcess.launch(path, arguments, timeout: timeout)
        guard result.status == 0 else {
            throw CommandFailed(description: "could not \(what) (\(path) \(arguments.joined(separator: " ")) exited with "
                                + "status \(result.status) after \(String(format: "%.0f", result.seconds)) s"
                                + "\(result.seconds >= timeout ? ", the time limit" : "")):\n\(result.output)")
        }
        return result
    }

    /// A command that exited with a non-zero status; the test reports the description.
    private struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// A package with one executable that uses ddp-train's products by version.
    private func writeClientPackage(at directory: URL, dependency: URL) throws {
        let sources = directory.appendingPathComponent("Sources/DDPTrainClient")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        let manifest = """
            // swift-tools-version: 6.2
            import PackageDescription

            let package = Package(
                name: "DDPTrainClient",
                platforms: [.macOS(.v15)],
                dependencies: [
                    .package(url: "\(dependency.absoluteString)", from: "\(Self.version)"),
                ],
                targets: [
                    .executableTarget(name: "DDPTrainClient", dependencies: [
                        .product(name: "Training", package: "ddp-train"),
                        .product(name: "Collectives", package: "ddp-train"),
                        .product(name: "NN", package: "ddp-train"),
                        .product(name: "Autograd", package: "ddp-train"),
                    ]),
                ]
            )

            """
        try manifest.write(to: directory.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try Self.clientMain.write(to: sources.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
    }

    /// The client: a distributed actor from the toolchain's Distributed module, and two
    /// optimizer steps of a small teacher task through Trainer with a metrics sink.
    private static let clientMain = """
        import Autograd
        import Collectives
        import Distributed
        import NN
        import Training

        distributed actor Greeter {
            typealias ActorSystem = LocalTestingDistributedActorSystem
            distributed func hello() -> String { "hello from Greeter" }
        }

        /// Keeps each optimizer step's loss.
        final class LossRecorder: MetricsSink {
            var losses: [Double] = []
            func record(_ step: StepRecord) { losses.append(step.loss) }
            func record(_ epoch: EpochRecord) {}
            func flush() {}
        }

        let greeter = Greeter(actorSystem: LocalTestingDistributedActorSystem())
        print("distributed actor says: \\(try await greeter.hello())")

        var config = TrainingConfig()
        config.preset = "package-client"
        config.seed = 7
        config.dataset = .teacher
        config.inputFeatures = 4
        config.depth = 2
        config.width = 8
        config.activation = .tanh
        config.samples = 16
        config.globalBatchSize = 8
        config.epochs = 1  // 16 samples in batches of 8: two optimizer steps

        let data: Dataset = try DatasetLoader.load(config)
        let inputs: Tensor = data.inputs
        let communicator = SingleProcessCommunicator()
        let plan = try RunPlan.resolve(config, worldSize: communicator.worldSize, trainSamples: data.count)
        let trainer = try Trainer(plan: plan, train: data, validation: nil, communicator: communicator,
                                  runDirectory: nil, console: Console(rank: communicator.rank, quiet: true))
        let recorder = LossRecorder()
        trainer.add(MetricsRecording(sinks: [recorder]))
        let model: Module = trainer.model
        let summary = try trainer.run()
        print("model: \\(model.parameterCount) parameters; inputs \\(inputs.shape)")
        for (index, loss) in recorder.losses.enumerated() {
            print("loss at step \\(index + 1): \\(loss)")
        }
        print("optimizer steps: \\(summary.steps)")

        """
}
