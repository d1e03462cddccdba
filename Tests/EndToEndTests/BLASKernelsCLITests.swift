import XCTest
@testable import Autograd

/// `ddp-train` runs on the best OpenBLAS kernels this CPU's flags allow, with real OpenBLAS,
/// and says so; `OPENBLAS_CORETYPE` overrides.
final class BLASKernelsCLITests: XCTestCase {
    let train = ["--preset", "teacher-regression", "--samples", "64", "--epochs", "1"]

    /// The core named on the start-up line of a one-epoch run.
    func startUpCore(_ result: DDPTrainProcess.Result) throws -> (core: String, line: String) {
        let line = try XCTUnwrap(result.output.split(separator: "\n").first { $0.hasPrefix("OpenBLAS kernels: ") },
                                 "no OpenBLAS kernels line:\n\(result.output)")
        let core = line.dropFirst("OpenBLAS kernels: ".count).split(separator: " ").first.map(String.init) ?? ""
        return (core, String(line))
    }

    func testTheRunUsesKernelsAsWideAsTheCPUAllows() throws {
        let result = try DDPTrainProcess.run(train)
        XCTAssertEqual(result.status, 0, result.output)
        let (core, line) = try startUpCore(result)
        let best = BLASKernelChoice.best(forFlags: BLASKernelChoice.cpuFlags())?.level ?? 0
        XCTAssertGreaterThanOrEqual(BLASKernelChoice.level(ofCore: core), best, line)
        print("BLASKernelsCLITests: \(line)")
    }

    func testOPENBLAS_CORETYPEIsTheUsersChoice() throws {
        let result = try DDPTrainProcess.run(train, extraEnvironment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(result.status, 0, result.output)
        let (core, line) = try startUpCore(result)
        XCTAssertEqual(core, "Prescott", line)
        XCTAssertTrue(line.contains("(OPENBLAS_CORETYPE=Prescott set by the user)"), line)
    }
}
