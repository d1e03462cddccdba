import Autograd
import XCTest

/// The OpenBLAS thread count each rank picks, from fake affinity masks and local sizes.
final class BLASThreadChoiceTests: XCTestCase {
    func testTheUsersChoiceWins() {
        let blas = BLASThreadChoice.choose(environment: ["OPENBLAS_NUM_THREADS": "3", "OMP_NUM_THREADS": "5"],
                                           affinityCPUs: 8, onlineCPUs: 8, localRanks: 1)
        XCTAssertEqual(blas.threads, 3)
        XCTAssertTrue(blas.fromEnvironment)
        XCTAssertEqual(blas.reason, "OPENBLAS_NUM_THREADS=3 set by the user")
        let omp = BLASThreadChoice.choose(environment: ["OMP_NUM_THREADS": "5"], affinityCPUs: 8, onlineCPUs: 8,
                                          localRanks: 4)
        XCTAssertEqual(omp.threads, 5)
        XCTAssertTrue(omp.fromEnvironment)
    }

    func testMeaninglessEnvironmentValuesAreIgnored() {
        let choice = BLASThreadChoice.choose(environment: ["OPENBLAS_NUM_THREADS": "", "OMP_NUM_THREADS": "0"],
                                             affinityCPUs: 4, onlineCPUs: 4, localRanks: 2)
        XCTAssertEqual(choice.threads, 2)
        XCTAssertFalse(choice.fromEnvironment)
    }

    func testAWholeMachineMaskIsSharedByTheLocalRanks() {
        func threads(_ mask: Int, _ ranks: Int) -> Int {
            BLASThreadChoice.choose(environment: [:], affinityCPUs: mask, onlineCPUs: mask, localRanks: ranks).threads
        }
        XCTAssertEqual(threads(2, 1), 2)
        XCTAssertEqual(threads(2, 2), 1)
        XCTAssertEqual(threads(2, 4), 1, "oversubscribed: still one thread each")
        XCTAssertEqual(threads(16, 4), 4)
        XCTAssertEqual(threads(16, 3), 5)
        XCTAssertEqual(threads(16, 0), 16, "a missing local size counts as one rank")
    }

    func testABoundRankUsesItsOwnCPUs() {
        let choice = BLASThreadChoice.choose(environment: [:], affinityCPUs: 4, onlineCPUs: 16, localRanks: 4)
        XCTAssertEqual(choice.threads, 4)
        XCTAssertEqual(choice.reason, "affinity mask of 4 of 16 CPUs (bound by the launcher)")
        XCTAssertEqual(BLASThreadChoice.choose(environment: [:], affinityCPUs: 1, onlineCPUs: 2, localRanks: 2).threads, 1)
    }

    func testAnUnreadableMaskFallsBackToTheOnlineCPUs() {
        let choice = BLASThreadChoice.choose(environment: [:], affinityCPUs: nil, onlineCPUs: 8, localRanks: 2)
        XCTAssertEqual(choice.threads, 4)
        XCTAssertEqual(choice.description, "OpenBLAS threads: 4 (affinity mask unreadable; 8 online CPUs / 2 local rank(s))")
    }

    func testThisProcessHasAMask() {
        let mask = BLASThreadChoice.affinityCPUCount()
        #if os(Linux)
        XCTAssertNotNil(mask)
        XCTAssertGreaterThanOrEqual(mask ?? 0, 1)
        XCTAssertLessThanOrEqual(mask ?? 0, BLASThreadChoice.onlineCPUCount())
        #endif
    }
}
