// swift-tools-version: 6.0
//
// ddp-train: a distributed data-parallel neural-network trainer.
//
// Dependencies point one way (see docs/ARCHITECTURE.md):
//   CBLAS, CKernels → Autograd → NN → Distributed (+ CMPI) → Training → ddp-train
//   DataFormats and Reporting are leaf libraries that Training uses.
import PackageDescription

let optimized: [SwiftSetting] = [
    // Bounds checks stay on in debug builds; release builds are what users and benchmarks run.
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "ddp-train",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ddp-train", targets: ["ddp-train"]),
        .executable(name: "ddp-bench", targets: ["ddp-bench"]),
        .library(name: "Training", targets: ["Training"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        // The hot elementwise loops, in C so that each can be built for several instruction sets
        // and picked at load time (see Sources/CKernels/Multiversion.h).
        .target(name: "CKernels", publicHeadersPath: "include"),

        .target(name: "Autograd", dependencies: ["CBLAS", "CKernels"], swiftSettings: optimized),
        .target(name: "NN", dependencies: ["Autograd", "CKernels"], swiftSettings: optimized),
        .target(name: "Distributed", dependencies: ["NN", "CMPI"], swiftSettings: optimized),
        .target(name: "DataFormats", swiftSettings: optimized),
        .target(name: "Reporting", dependencies: ["DataFormats"], swiftSettings: optimized),
        .target(name: "Training",
                dependencies: ["Distributed", "DataFormats", "Reporting",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: optimized),

        .executableTarget(name: "ddp-train",
                          dependencies: ["Training",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimized),
        .executableTarget(name: "ddp-bench",
                          dependencies: ["Training",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimized),

        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "CKernels"]),
        .testTarget(name: "NNTests", dependencies: ["NN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed"]),
        .testTarget(name: "DataFormatsTests", dependencies: ["DataFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training"], resources: [.copy("Fixtures")]),
    ]
)
