import Foundation

/// This process's resident set size, from `/proc/self/status` (`VmRSS`), in KiB.
///
/// Nil where there is no such file (macOS) or it has no such line; the benchmarks then print
/// "n/a" rather than a made-up figure.
enum ResidentMemory {
    static func kibibytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let value = Int(fields[1]) { return value }
        }
        return nil
    }

    /// "123.4 MiB", or "n/a".
    static func describe(_ kib: Int?) -> String {
        guard let kib else { return "n/a" }
        return String(format: "%.1f MiB", Double(kib) / 1024)
    }
}
