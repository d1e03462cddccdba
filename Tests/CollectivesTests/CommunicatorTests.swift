import Collectives
import XCTest

/// The single-process communicator and the choice between it and MPI.
final class CommunicatorTests: XCTestCase {
    func testSingleProcessIsRankZeroOfOne() {
        let comm = SingleProcessCommunicator()
        XCTAssertEqual(comm.rank, 0)
        XCTAssertEqual(comm.worldSize, 1)
        XCTAssertFalse(comm.hostName.isEmpty)
        XCTAssertTrue(comm.supportsOverlap)
    }

    func testSingleProcessAllReduceLeavesValuesForEveryOp() {
        let comm = SingleProcessCommunicator()
        for op in ReduceOp.allCases {
            var floats: [Float] = [1.5, -2, .greatestFiniteMagnitude, 0]
            comm.allReduce(&floats, op: op)
            XCTAssertEqual(floats, [1.5, -2, .greatestFiniteMagnitude, 0], "\(op)")
            var doubles: [Double] = [0.1, -7]
            comm.allReduce(&doubles, op: op)
            XCTAssertEqual(doubles, [0.1, -7], "\(op)")
            var integers: [Int64] = [Int64.max, -3]
            comm.allReduce(&integers, op: op)
            XCTAssertEqual(integers, [Int64.max, -3], "\(op)")
            XCTAssertEqual(comm.allReduce(Int64(1), op: op), 1)
        }
    }

    /// One rank still rounds through 16 bits, so its numerics match the multi-rank path.
    func testSingleProcessCompressedAllReduceRoundsThroughSixteenBits() {
        let comm = SingleProcessCommunicator()
        var half: [Float] = [1, 1 + 0x1p-11, 1 + 0x1p-10, 70_000, 0x1p-26, -0.1]
        comm.allReduceCompressed(&half, precision: .fp16)
        XCTAssertEqual(half, [1, 1, 1 + 0x1p-10, .infinity, 0, -0.0999755859375])
        var brain: [Float] = [1.00390625, 1.01171875, 70_000, 3e38]
        comm.allReduceCompressed(&brain, precision: .bf16)
        XCTAssertEqual(brain, [1, 1.015625, 70_144, 0x1.c4p127])
    }

    func testSingleProcessBroadcastAndGathersReturnOwnValues() {
        let comm = SingleProcessCommunicator()
        var values: [Float] = [3, 4]
        comm.broadcast(&values, root: 0)
        XCTAssertEqual(values, [3, 4])
        var bytes = Array("{\"lr\": 0.1}".utf8)
        comm.broadcastBytes(&bytes, root: 0)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "{\"lr\": 0.1}")
        XCTAssertEqual(comm.broadcastValue(Int64(9), root: 0), 9)
        XCTAssertEqual(comm.allGather([1.0, 2.0]), [[1.0, 2.0]])
        XCTAssertEqual(comm.allGatherBytes([5, 6, 7]), [[5, 6, 7]])
        XCTAssertEqual(comm.allGatherBytes([]), [[]])
        XCTAssertEqual(comm.gatherBytes([1], root: 0), [[1]])
        comm.barrier()
    }

    func testSingleProcessPassesSelfCheck() {
        XCTAssertEqual(CommunicatorSelfCheck.run(SingleProcessCommunicator()), [])
    }

    func testDuplicateIsAnotherSingleProcessCommunicator() {
        let comm = SingleProcessCommunicator()
        let copy = comm.duplicate()
        XCTAssertTrue(copy is SingleProcessCommunicator)
        XCTAssertFalse(copy === comm)
    }

    func testLaunchIsDetectedFromLauncherVariables() {
        XCTAssertFalse(MPILaunch.isLaunched(environment: [:]))
        XCTAssertFalse(MPILaunch.isLaunched(environment: ["OMPI_MCA_btl": "self"]))
        XCTAssertTrue(MPILaunch.isLaunched(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
        XCTAssertTrue(MPILaunch.isLaunched(environment: ["PMIX_RANK": "0"]))
        XCTAssertTrue(MPILaunch.isLaunched(environment: ["PMI_RANK": "1"]))
    }

    /// Run alone, the factory must not start MPI (that would spawn a singleton daemon).
    func testFactoryReturnsSingleProcessWhenNotLaunched() throws {
        let comm = try makeCommunicator(environment: ["PATH": "/usr/bin"])
        XCTAssertTrue(comm is SingleProcessCommunicator)
    }

    func testErrorsExplainTheFix() {
        let failed = CommunicatorError.initializationFailed(code: 1, message: "no launcher")
        XCTAssertTrue(failed.description.contains("MPI_Init_thread failed with code 1 (no launcher)"))
        XCTAssertTrue(failed.description.contains("--allow-run-as-root"))
        XCTAssertTrue(CommunicatorError.alreadyFinalized.description.contains("finalize it once"))
    }
}
