import Foundation
import XCTest

/// `mpirun -np 2 ddp-train doctor` runs every collective across real ranks and reports OK.
final class MPIDoctorTests: XCTestCase {
    func testDoctorReportsAllCollectivesOKOnTwoRanks() throws {
        let result = try DDPTrainProcess.mpirun(ranks: 2, ["doctor"], timeout: 60)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains("ddp-train doctor: 2 rank(s)"), result.output)
        XCTAssertTrue(result.stdout.contains("all ranks on one node"), result.output)
        XCTAssertTrue(result.stdout.contains("ddp-train doctor: all collectives OK"), result.output)
        // Each rank reports its OpenBLAS threads; the harness sets OPENBLAS_NUM_THREADS=1.
        for rank in 0..<2 {
            XCTAssertTrue(result.stdout.contains("rank \(rank) on ") && result.stdout.contains(
                "OpenBLAS threads: 1 (OPENBLAS_NUM_THREADS=1 set by the user)"), result.output)
        }
        XCTAssertEqual(result.stdout.components(separatedBy: "all collectives OK").count - 1, 1, "rank 0 alone reports")
    }
}
