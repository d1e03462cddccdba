import Foundation
import XCTest

/// `ddp-train scaling-model` through the real binary: given inputs give exactly the
/// hand-computed table; measured α and β under real mpirun; measured points beside predictions.
final class ScalingModelCLITests: XCTestCase {
    /// depth 1, width 8, 10 inputs, 1 output: 10·8 + 8 + 8 + 1 = 97 parameters, 388 gradient bytes.
    let model = ["--depth", "1", "--width", "8", "--global-batch-size", "100"]

    func testGivenInputsGiveTheHandComputedTable() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let measured = dir.appendingPathComponent("measured.csv")
        try Data("ranks,samples_per_second\n1,200000\n2,300000\n".utf8).write(to: measured)
        let report = dir.appendingPathComponent("scaling.html")
        // --small-allreduces 0: the gradient's ring allreduce alone (the default adds 2 × 2(P−1)α; below).
        let result = try runTrainer(["scaling-model"] + model + ["--compute-us-per-sample", "10", "--alpha-us", "5",
                                                                 "--beta-gbps", "8", "--ranks", "1,4", "--measured", measured.path,
                                                                 "--report", report.path, "--small-allreduces", "0"])
        let out = result.stdout
        XCTAssertTrue(out.contains("gradient: 97 parameters, 388 bytes per allreduce"), out)
        XCTAssertTrue(out.contains("α = 5.00 µs, β = 1 ns/byte (8 Gbit/s)"), out)
        // P = 1: 100 × 10 µs = 1.000 ms, 100,000 samples/s. P = 4: 25 × 10 µs = 0.250 ms compute;
        // allreduce 2·3·5 µs + 2·(3/4)·388 B·1 ns = 30.582 µs; step 0.280582 ms: 356,402 samples/s,
        // efficiency 356402 / 400000 = 89.1%. P = 2 (measured only): compute 0.500 ms, allreduce
        // 10 µs + 0.388 µs, step 0.510388 ms, 195,929 samples/s, 98.0%; measured 300000/(2·200000) = 75.0%.
        let rows = out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertTrue(rows.contains(["1", "100", "1.000", "0.000", "1.000", "100000", "100.0%", "200000", "100.0%"]), out)
        XCTAssertTrue(rows.contains(["2", "50", "0.500", "0.010", "0.510", "195929", "98.0%", "300000", "75.0%"]), out)
        XCTAssertTrue(rows.contains(["4", "25", "0.250", "0.031", "0.281", "356402", "89.1%"]), out)
        // Communication (10(P−1) µs + 0.776(P−1)/P µs) passes compute (1000/P µs) first at P = 11:
        // 100.7 µs > 90.9 µs (at P = 10: 90.7 µs < 100 µs).
        XCTAssertTrue(out.contains("Communication exceeds compute from P = 11"), out)
        let html = try String(contentsOf: report, encoding: .utf8)
        XCTAssertTrue(html.contains("Samples per second against ranks") && html.contains("measured"), "report charts")
    }

    func testWeakScalingWithTheTrainersSmallAllreducesAndBadInputs() throws {
        let result = try runTrainer(["scaling-model"] + model + ["--scaling", "weak", "--compute-us-per-sample", "10",
                                                                 "--alpha-us", "5", "--beta-gbps", "8", "--ranks", "2"])
        let out = result.stdout
        XCTAssertTrue(out.contains("weak scaling (per-rank batch 100"), out)
        XCTAssertTrue(out.contains("plus 2 small allreduce(s) per step"), out)
        // P = 2: compute 1000 µs; gradient 10 µs + 0.388 µs, small 2·2·5 = 20 µs: 30.388 µs; step
        // 1030.388 µs, 200 samples / 1.030388 ms = 194102 samples/s, efficiency 1000/1030.388 = 97.1%.
        let rows = out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertTrue(rows.contains(["2", "100", "1.000", "0.030", "1.030", "194102", "97.1%"]), out)
        // 30(P−1) + 0.776(P−1)/P µs passes 1000 µs first at P = 35 (1020.75 µs; 990.75 µs at P = 34).
        XCTAssertTrue(out.contains("Communication exceeds compute from P = 35"), out)
        assertUserError(try DDPTrainProcess.run(["scaling-model"] + model), status: 2, contains: ["mpirun -np 2", "--alpha-us", "--beta-gbps"])
        assertUserError(try DDPTrainProcess.run(["scaling-model", "--alpha-us", "1", "--beta-gbps", "1", "--ranks", "1,x"]), status: 2,
                        contains: ["--ranks '1,x'"])
        assertUserError(try DDPTrainProcess.run(["scaling-model", "--alpha-us", "1", "--beta-gbps", "0"]), status: 2,
                        contains: ["--beta-gbps must be positive"])
        assertUserError(try DDPTrainProcess.run(["scaling-model", "--alpha-us", "1", "--beta-gbps", "1", "--scaling", "medium"]),
                        status: 2, contains: ["--scaling 'medium'"])
    }

    func testAlphaAndBetaAreMeasuredUnderMPIRun() throws {
        let result = try DDPTrainProcess.mpirun(ranks: 2, ["scaling-model"] + model + ["--measure-steps", "2", "--ranks", "1,2"])
        XCTAssertEqual(result.status, 0, result.output)
        let out = result.stdout
        XCTAssertTrue(out.contains("compute: measured in-process (batch 50: ") && out.contains("batch 100: "),
                      "strong scaling times the batches at 1 and at 2 ranks:\n\(out)")
        XCTAssertTrue(out.contains("slowest of 2 ranks timing at once"), out)
        XCTAssertTrue(out.contains("allreduce: measured on 2 ranks: 8 B in "), out)
        XCTAssertTrue(out.contains("1048576 B in "), "the large message is at least 1 MiB:\n\(out)")
        let alphaLine = try XCTUnwrap(out.split(separator: "\n").first { $0.hasPrefix("α = ") }, out)
        XCTAssertFalse(alphaLine.contains("given"), String(alphaLine))
        XCTAssertFalse(alphaLine.contains("nan") || alphaLine.contains("-"), String(alphaLine))
        XCTAssertEqual(out.split(separator: "\n").filter { $0.hasPrefix("Communication ") }.count, 1, out)
    }
}
