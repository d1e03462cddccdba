import Autograd
import Foundation

/// What the figures were measured on: the CPU model and the number of cores this process sees.
struct MachineInfo: Codable {
    let cpuModel: String
    let logicalCores: Int
    let hostName: String
    /// The OpenBLAS kernels the figures ran on (`BLASKernelChoice`); nil in files written before
    /// it was recorded.
    let blasKernels: String?

    /// One BLAS thread and the kernels `BLASKernelChoice` picks (`OPENBLAS_CORETYPE` overrides):
    /// every command calls this before it measures anything.
    static func prepareBLAS() -> BLASKernelChoice {
        BLAS.setThreadCount(1)
        return BLASKernelChoice.applyForThisProcess(environment: ProcessInfo.processInfo.environment)
    }

    static func current() -> MachineInfo {
        var model = "unknown"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let kernels = BLASKernelChoice.currentCore()
        return MachineInfo(cpuModel: model, logicalCores: ProcessInfo.processInfo.activeProcessorCount,
                           hostName: ProcessInfo.processInfo.hostName, blasKernels: kernels)
    }

    var summary: String { "\(cpuModel), \(logicalCores) logical cores visible, host \(hostName)" }
}
