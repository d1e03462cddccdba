import Foundation
import Training

/// Measured throughput at several rank counts, read from a CSV file with a header row that has
/// a `ranks` (or `rank`) column and a `samples_per_second` column — the sweep's `summary.csv`
/// has both. Other columns are ignored; rows with an empty throughput (failed points) are
/// skipped; several rows at one rank count are combined by their median.
public struct MeasuredScaling: Sendable {
    /// Rank count → measured global samples per second, ascending by ranks.
    public var points: [(ranks: Int, samplesPerSecond: Double)]

    /// Measurements from (ranks, samples per second) pairs, in any order.
    public init(points: [(ranks: Int, samplesPerSecond: Double)]) {
        self.points = points.sorted { $0.ranks < $1.ranks }
    }

    /// Reads `path`. Errors name the file, the line and the column.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepError("\(path): cannot read the measured-throughput file")
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard let header = lines.first.map({ Self.fields(String($0)) }) else {
            throw SweepError("\(path): empty; expected a header row with 'ranks' and 'samples_per_second'")
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let rankColumn = names.firstIndex(of: "ranks") ?? names.firstIndex(of: "rank"),
              let rateColumn = names.firstIndex(of: "samples_per_second") else {
            throw SweepError("\(path): the header needs columns 'ranks' (or 'rank') and 'samples_per_second'; it has: "
                + names.joined(separator: ", "))
        }
        var byRanks: [Int: [Double]] = [:]
        for (number, line) in lines.enumerated().dropFirst() {
            let cells = Self.fields(String(line)).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > max(rankColumn, rateColumn) else {
                throw SweepError("\(path): line \(number + 1) has \(cells.count) fields, fewer than the header's columns")
            }
            if cells[rateColumn].isEmpty { continue }
            guard let ranks = Int(cells[rankColumn]), ranks >= 1 else {
                throw SweepError("\(path): line \(number + 1): ranks '\(cells[rankColumn])' is not a whole number ≥ 1")
            }
            guard let rate = Double(cells[rateColumn]), rate.isFinite, rate > 0 else {
                throw SweepError("\(path): line \(number + 1): samples_per_second '\(cells[rateColumn])' is not a positive number")
            }
            byRanks[ranks, default: []].append(rate)
        }
        guard !byRanks.isEmpty else { throw SweepError("\(path): no rows with a measured samples_per_second") }
        self.init(points: byRanks.map { ($0.key, ComputeProfile.median($0.value)) })
    }

    /// The measured throughput at `ranks`, if any.
    public func samplesPerSecond(ranks: Int) -> Double? { points.first { $0.ranks == ranks }?.samplesPerSecond }

    /// The fields of one CSV line, with RFC 4180 quoting ("a,b" and "" inside quotes).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}
