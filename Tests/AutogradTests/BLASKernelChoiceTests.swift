import XCTest
@testable import Autograd

/// The choice of OpenBLAS kernels from a detected core and the CPU's flags.
final class BLASKernelChoiceTests: XCTestCase {
    let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    func testTheUsersCoreTypeIsKept() {
        let choice = BLASKernelChoice.choose(environment: ["OPENBLAS_CORETYPE": "Haswell"], detected: "Prescott", cpuFlags: avx512)
        XCTAssertNil(choice.switchTo)
        XCTAssertEqual(choice.reason, "OPENBLAS_CORETYPE=Haswell set by the user")
    }

    func testAFallbackCoreOnAnAVX512CPUSwitchesToTheAVX512Kernels() {
        let skylake = BLASKernelChoice.choose(environment: [:], detected: "Prescott", cpuFlags: avx512)
        XCTAssertEqual(skylake.switchTo, "SkylakeX")
        XCTAssertEqual(skylake.reason, "OpenBLAS took this CPU for Prescott; its flags allow SkylakeX")
        // With bfloat16 instructions OpenBLAS itself names the CPU Cooperlake.
        let cooper = BLASKernelChoice.choose(environment: [:], detected: "Prescott", cpuFlags: avx512.union(["avx512_bf16"]))
        XCTAssertEqual(cooper.switchTo, "Cooperlake")
        // An empty OPENBLAS_CORETYPE is not a choice.
        XCTAssertEqual(BLASKernelChoice.choose(environment: ["OPENBLAS_CORETYPE": ""], detected: "Prescott", cpuFlags: avx512).switchTo, "SkylakeX")
    }

    func testOnlyAWeakerCoreThanTheFlagsAllowIsSwitched() {
        let avx2: Set<String> = ["sse3", "avx", "avx2", "fma"]
        XCTAssertEqual(BLASKernelChoice.choose(environment: [:], detected: "Core2", cpuFlags: avx2).switchTo, "Haswell")
        XCTAssertEqual(BLASKernelChoice.choose(environment: [:], detected: "Sandybridge", cpuFlags: avx2).switchTo, "Haswell")
        XCTAssertNil(BLASKernelChoice.choose(environment: [:], detected: "Haswell", cpuFlags: avx2).switchTo)
        XCTAssertNil(BLASKernelChoice.choose(environment: [:], detected: "Zen", cpuFlags: avx2).switchTo)
        XCTAssertNil(BLASKernelChoice.choose(environment: [:], detected: "SkylakeX", cpuFlags: avx512).switchTo)
        // AVX-512 needs all five base extensions; without them the AVX2 kernels are the best.
        XCTAssertEqual(BLASKernelChoice.choose(environment: [:], detected: "Prescott", cpuFlags: avx2.union(["avx512f"])).switchTo, "Haswell")
        let choice = BLASKernelChoice.choose(environment: [:], detected: "Prescott", cpuFlags: ["sse3", "ssse3"])
        XCTAssertNil(choice.switchTo)
        XCTAssertEqual(choice.reason, "picked by OpenBLAS")
    }

    func testThisMachinesFlagsAreRead() {
        #if os(Linux)
        XCTAssertTrue(BLASKernelChoice.cpuFlags().contains("sse2"), "every x86-64 CPU has SSE2; /proc/cpuinfo's flags were not read")
        #endif
        XCTAssertNotEqual(BLASKernelChoice.currentCore(), "unknown", "openblas_get_corename was not found")
    }
}
