import Foundation
import Training

/// What one run directory holds: its config.json and the records of its metrics.jsonl.
public struct RunHistory: Sendable {
    /// The directory's last path component, used as the run's label.
    public var name: String
    /// The run directory read.
    public var directory: URL
    /// config.json, flattened (`resolved/effectiveBatchSize`, …); empty when missing.
    public var config: [String: MetricValue]
    /// The parameter names in model order, from config.json (`resolved.parameters`).
    public var parameterOrder: [String]
    /// Step records in file order.
    public var steps: [MetricsRecord]
    /// Epoch records in file order.
    public var epochs: [MetricsRecord]
    /// Evaluation records (`--eval-every`, `--eval-schedule`) in file order; the report and
    /// the CSV do not show them.
    public var evaluations: [MetricsRecord]
    /// Problems tolerated while reading (e.g. an incomplete last line).
    public var notes: [String]

    /// A history assembled from already-parsed parts (the readers and tests build it this way).
    public init(name: String, directory: URL, config: [String: MetricValue], parameterOrder: [String],
                steps: [MetricsRecord], epochs: [MetricsRecord], evaluations: [MetricsRecord] = [],
                notes: [String] = []) {
        self.name = name
        self.directory = directory
        self.config = config
        self.parameterOrder = parameterOrder
        self.steps = steps
        self.epochs = epochs
        self.evaluations = evaluations
        self.notes = notes
    }

    /// Reads `path`: a run directory (config.json and metrics.jsonl), or a metrics.jsonl file.
    ///
    /// An incomplete last line (a run killed mid-write) is skipped with a note; a malformed
    /// line elsewhere is an error naming the file and line.
    public static func load(_ path: String) throws -> RunHistory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReportInputError("\(path): no such run directory; pass a directory written by `ddp-train train` "
                                   + "(it holds config.json and metrics.jsonl)")
        }
        let given = URL(fileURLWithPath: path)
        let directory = isDirectory.boolValue ? given : given.deletingLastPathComponent()
        let metricsURL = isDirectory.boolValue ? given.appendingPathComponent("metrics.jsonl") : given
        guard let data = FileManager.default.contents(atPath: metricsURL.path) else {
            throw ReportInputError("\(metricsURL.path): cannot read the metrics file; check that \(path) is a run "
                                   + "directory of `ddp-train train` and that the run logged at least one step")
        }
        var history = RunHistory(name: directory.standardizedFileURL.lastPathComponent, directory: directory,
                                 config: [:], parameterOrder: [], steps: [], epochs: [])
        try history.readMetrics(data, path: metricsURL.path)
        history.readConfig(directory.appendingPathComponent("config.json"))
        return history
    }

    private mutating func readMetrics(_ data: Data, path: String) throws {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let endsWithNewline = data.last == UInt8(ascii: "\n")
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() where !line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
            let decoded: MetricsLine.Decoded
            do {
                decoded = try MetricsLine.decode(line, using: decoder)
            } catch {
                if index == lines.count - 1 && !endsWithNewline {
                    notes.append("\(path): skipped an incomplete last line (the run was probably interrupted)")
                    continue
                }
                throw ReportInputError("\(path):\(index + 1): \(MetricsLine.problem(error)); each line of metrics.jsonl "
                                       + "must be one record (docs/METRICS.md); remove or repair the line")
            }
            switch decoded {
            case .record(let record) where record.type == .step: steps.append(MetricsRecord(record))
            case .record(let record) where record.type == .epoch: epochs.append(MetricsRecord(record))
            case .record(let record): evaluations.append(MetricsRecord(record))
            case .skipped(let type): notes.append("\(path):\(index + 1): skipped a record of unknown type '\(type)'")
            }
        }
    }

    /// config.json is optional (a bare metrics.jsonl still exports); without it the report
    /// shows no configuration and orders layers by name.
    private mutating func readConfig(_ url: URL) {
        guard let data = FileManager.default.contents(atPath: url.path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            notes.append("\(url.path): missing or unreadable; the configuration is not shown")
            return
        }
        var flat = object
        if var resolved = object["resolved"] as? [String: Any] {
            if let parameters = resolved["parameters"] as? [[String: Any]] {
                parameterOrder = parameters.compactMap { $0["name"] as? String }
            }
            resolved["parameters"] = nil  // a long list; the names and order are kept above
            flat["resolved"] = resolved
        }
        config = MetricsRecord.flatten(flat)
    }

    /// A config value as display text ("—" when absent). Fractions show six significant
    /// digits: config.json holds Float values widened to Double (0.009999999776482582).
    public func configText(_ key: String) -> String {
        switch config[key] {
        case nil, .null?: return "—"
        case .number(let v)? where v != v.rounded(): return String(format: "%.6g", v)
        case let v?: return v.csvText
        }
    }

    /// The samples per optimizer step, from config.json.
    public var effectiveBatch: Int? { config["resolved/effectiveBatchSize"]?.number.map { Int($0) } }
}
