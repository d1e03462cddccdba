import DataFormats
import Foundation

/// An Open MPI hostfile: one host per line, `name [slots=N] [max_slots=N]`, `#` comments.
///
/// ddp-train reads hostfiles before handing them to `mpirun` (sweeps, scaling studies) so that
/// a typo is one clear line naming the file and the line, not an Open MPI stack of messages.
public struct Hostfile: Equatable, Sendable {
    /// One line of the hostfile.
    public struct Host: Equatable, Sendable {
        /// The host name or address, as `mpirun` will resolve it.
        public var name: String
        /// Ranks Open MPI places on the host by default (1 when not given).
        public var slots: Int
        /// The most ranks Open MPI may place on the host when oversubscribing (`max_slots`), if given.
        public var maxSlots: Int?
    }

    /// The hosts in file order.
    public var hosts: [Host]

    /// The total number of slots.
    public var slotCount: Int { hosts.reduce(0) { $0 + $1.slots } }

    /// Reads and checks a hostfile.
    public static func read(_ path: String) throws -> Hostfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("\(path): cannot read the hostfile (missing or unreadable)")
        }
        guard data.count <= 1 << 20 else {
            throw ConfigError("\(path): hostfile is \(data.count) bytes; a hostfile lists hosts, one per line")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// Parses hostfile text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> Hostfile {
        var hosts: [Host] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = fields.first else { continue }
            let name = String(first)
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }), !name.contains("=") else {
                throw ConfigError("\(source): line \(number + 1): \(name.quotedForMessage) is not a host name")
            }
            var host = Host(name: name, slots: 1, maxSlots: nil)
            for field in fields.dropFirst() {
                let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, let value = Int(pair[1]), value >= 1, value <= 1 << 20 else {
                    throw ConfigError("\(source): line \(number + 1): \(String(field).quotedForMessage) is not of the form slots=N or max_slots=N with N ≥ 1")
                }
                switch pair[0] {
                case "slots": host.slots = value
                case "max_slots", "max-slots": host.maxSlots = value
                default:
                    throw ConfigError("\(source): line \(number + 1): unknown setting \(pair[0].quotedForMessage) (expected slots= or max_slots=)")
                }
            }
            if let m = host.maxSlots, m < host.slots {
                throw ConfigError("\(source): line \(number + 1): max_slots=\(m) is below slots=\(host.slots)")
            }
            hosts.append(host)
        }
        guard !hosts.isEmpty else {
            throw ConfigError("\(source): the hostfile lists no hosts (expected lines like 'node01 slots=4')")
        }
        return Hostfile(hosts: hosts)
    }
}
