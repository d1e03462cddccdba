// swift-tools-version: 6.2
//
// ddp-train: a distributed data-parallel neural-network trainer.
//
// Dependencies point one way (see docs/ARCHITECTURE.md):
//
//   CBLAS, CKernels → Autograd → NN ─────────┐
//   CMPI → Collectives ──→ DataParallelism ──┴→ Training → RunReports → Experiments → ddp-train
//   DataFormats → Reporting ─────────────────────┘         └→ ConfigFiles (+ Yams) ─→ ddp-train
//
// Release builds use SwiftPM's defaults (-O, whole module): no unsafe flags, so the libraries
// can be depended on by version, and every precondition and bounds check stays in what users run.
import PackageDescription

let package = Package(
    name: "ddp-train",
    platforms: [.macOS(.v15)],  // Synchronization.Atomic (the pre-emption flag)
    products: [
        .executable(name: "ddp-train", targets: ["ddp-train"]),
        .executable(name: "ddp-bench", targets: ["ddp-bench"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Collectives", targets: ["Collectives"]),
        .library(name: "DataParallelism", targets: ["DataParallelism"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Experiments", targets: ["Experiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // 1.11 and later: the handler implements log(event:) (Sources/Training/Loop/RankLogHandler.swift).
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        // 6 and later: their libyaml refuses input nested over 1,000 levels before Yams's
        // recursive composer could overflow the stack on it (5.x has no such limit).
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        // The hot elementwise loops, in C so that each can be built for several instruction sets
        // and picked at load time (see Sources/CKernels/Multiversion.h).
        .target(name: "CKernels", publicHeadersPath: "include"),

        .target(name: "Autograd", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "NN", dependencies: ["Autograd", "CKernels"]),
        .target(name: "Collectives", dependencies: ["CMPI"]),
        .target(name: "DataParallelism", dependencies: ["Autograd", "NN", "Collectives"]),
        .target(name: "DataFormats"),
        .target(name: "Reporting", dependencies: ["DataFormats", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Training",
                dependencies: ["Autograd", "NN", "Collectives", "DataParallelism", "DataFormats", "Reporting",
                               .product(name: "Logging", package: "swift-log")]),
        // Reading config files as people write them (YAML or JSON) and printing one: kept out of
        // Training so that Yams stays a dependency of the command line, not of every run.
        .target(name: "ConfigFiles", dependencies: ["Training", "DataFormats", .product(name: "Yams", package: "Yams")]),
        .target(name: "RunReports", dependencies: ["Training", "DataFormats", "Reporting"]),
        .target(name: "Experiments",
                dependencies: ["Training", "RunReports", "Collectives", "DataFormats", "Reporting"]),

        .executableTarget(name: "ddp-train",
                          dependencies: ["Autograd", "Training", "ConfigFiles", "Experiments", "RunReports", "Reporting", "Collectives",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "ddp-bench",
                          dependencies: ["Autograd", "NN", "Collectives", "DataParallelism",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "CKernels"]),
        .testTarget(name: "NNTests", dependencies: ["Autograd", "NN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CollectivesTests", dependencies: ["Collectives"]),
        .testTarget(name: "DataParallelismTests", dependencies: ["DataParallelism"]),
        .testTarget(name: "DataFormatsTests", dependencies: ["DataFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TrainingTests",
                    dependencies: ["Training", "Autograd", "NN", "Collectives", "DataFormats", "Reporting",
                                   .product(name: "Logging", package: "swift-log")],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ConfigFilesTests", dependencies: ["ConfigFiles", "Training"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Training"], resources: [.copy("Fixtures")]),
        // Launches the built ddp-train binary, alone and under real mpirun.
        .testTarget(name: "EndToEndTests",
                    dependencies: ["Training", "Experiments", "RunReports", "Collectives", "DataFormats", "Reporting"],
                    resources: [.copy("Fixtures")]),
    ]
)
