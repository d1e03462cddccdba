import Foundation

/// What the figures were measured on: the CPU model and the number of cores this process sees.
struct MachineInfo: Codable {
    let cpuModel: String
    let logicalCores: Int
    let hostName: String

    static func current() -> MachineInfo {
        var model = "unknown"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return MachineInfo(cpuModel: model, logicalCores: ProcessInfo.processInfo.activeProcessorCount,
                           hostName: ProcessInfo.processInfo.hostName)
    }

    var summary: String { "\(cpuModel), \(logicalCores) logical cores visible, host \(hostName)" }
}
