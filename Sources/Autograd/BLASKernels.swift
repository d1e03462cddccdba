#if canImport(Glibc)
import Glibc
#endif

/// Which of OpenBLAS's CPU-specific kernels this process uses, and why.
///
/// A DYNAMIC_ARCH OpenBLAS (Debian's) picks its kernels from the CPU's family and model when
/// it loads. A CPU newer than the library, or a virtual one that reports a generic model, falls
/// back to the oldest x86-64 kernels (`Prescott`, SSE3) even when it has AVX-512. Debian's
/// OpenBLAS 0.3.21 did that on this project's machines (an "Intel Xeon Processor" with
/// AVX-512): its products ran 3.6–5.2× slower than on the kernels the CPU supports. So each
/// process checks the CPU's flags and, when OpenBLAS took it for less than they show, switches to
/// the kernels they allow, unless the user chose (`OPENBLAS_CORETYPE`, which OpenBLAS reads).
public struct BLASKernelChoice: Equatable, Sendable {
    /// The kernels OpenBLAS uses after the choice (its own name for them).
    public let core: String
    /// The kernels OpenBLAS picked by itself.
    public let detected: String
    /// Why, in a few words, for the start-up line and `ddp-train doctor`.
    public let reason: String

    /// OpenBLAS core names by the widest vector instructions their sgemm kernels use.
    static func level(ofCore core: String) -> Int {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 3
        case "haswell", "zen": return 2
        case "sandybridge": return 1
        default: return 0
        }
    }

    /// The kernels the CPU's flags (`/proc/cpuinfo`) allow, as OpenBLAS would pick them for a
    /// CPU it knew, with its level; nil below AVX (the fallback kernels are already right).
    static func best(forFlags flags: Set<String>) -> (core: String, level: Int)? {
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        if avx512 { return flags.contains("avx512_bf16") ? ("Cooperlake", 3) : ("SkylakeX", 3) }
        if flags.contains("avx2") && flags.contains("fma") { return ("Haswell", 2) }
        if flags.contains("avx") { return ("Sandybridge", 1) }
        return nil
    }

    /// The kernels to switch to, if any, and why. Pure, so tests can pass any environment,
    /// detected core and flags.
    public static func choose(environment: [String: String], detected: String,
                              cpuFlags: Set<String>) -> (switchTo: String?, reason: String) {
        if let forced = environment["OPENBLAS_CORETYPE"], !forced.isEmpty {
            return (nil, "OPENBLAS_CORETYPE=\(forced) set by the user")
        }
        guard let best = best(forFlags: cpuFlags), best.level > level(ofCore: detected) else {
            return (nil, "picked by OpenBLAS")
        }
        return (best.core, "OpenBLAS took this CPU for \(detected); its flags allow \(best.core)")
    }

    /// Makes the choice for this process and applies it. Call it before any product runs and
    /// before any thread calls BLAS: OpenBLAS swaps its kernel table in place.
    public static func applyForThisProcess(environment: [String: String]) -> BLASKernelChoice {
        let detected = currentCore()
        let (target, reason) = choose(environment: environment, detected: detected, cpuFlags: cpuFlags())
        guard let target else { return BLASKernelChoice(core: detected, detected: detected, reason: reason) }
        guard switchCore(to: target) else {
            return BLASKernelChoice(core: detected, detected: detected,
                                    reason: "OpenBLAS took this CPU for \(detected); switching to \(target) failed")
        }
        return BLASKernelChoice(core: currentCore(), detected: detected, reason: reason)
    }

    /// One line: "OpenBLAS kernels: SkylakeX (OpenBLAS took this CPU for Prescott; …)".
    public var description: String { "OpenBLAS kernels: \(core) (\(reason))" }

    /// OpenBLAS's name for the kernels it uses now, or "unknown" from a library without it.
    public static func currentCore() -> String {
        typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?
        guard let symbol = dlsym(nil, "openblas_get_corename"),
              let name = unsafeBitCast(symbol, to: CoreName.self)() else { return "unknown" }
        return String(String(cString: name).split(separator: " ").first ?? "unknown")
    }

    /// Re-runs OpenBLAS's own start-up choice with OPENBLAS_CORETYPE set, as if it had been set
    /// before the library loaded. Only a DYNAMIC_ARCH build has these entry points; without them
    /// nothing changes. True when OpenBLAS now names `core`.
    static func switchCore(to core: String) -> Bool {
        typealias Hook = @convention(c) () -> Void
        guard let quit = dlsym(nil, "gotoblas_dynamic_quit"), let initialize = dlsym(nil, "gotoblas_dynamic_init") else {
            return false
        }
        setenv("OPENBLAS_CORETYPE", core, 1)
        unsafeBitCast(quit, to: Hook.self)()
        unsafeBitCast(initialize, to: Hook.self)()
        // Read only during the call; unset so that children (a sweep's trials) make their own
        // choice and do not report it as the user's.
        unsetenv("OPENBLAS_CORETYPE")
        return currentCore().lowercased() == core.lowercased()
    }

    /// The CPU's feature flags from the first "flags" line of /proc/cpuinfo (empty elsewhere).
    static func cpuFlags() -> Set<String> {
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return []
    }
}
