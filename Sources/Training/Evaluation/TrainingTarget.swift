import Foundation

/// A goal a run records the first step of, like `val_accuracy>=0.9`: a metric, a comparison
/// and a value. Written in configs and `summary.json` as that text.
public struct TrainingTarget: ConfigText, Sendable, Hashable {
    /// What a target compares.
    public enum Metric: String, Codable, Sendable, CaseIterable {
        /// Validation accuracy (classification).
        case validationAccuracy = "val_accuracy"
        /// Validation loss.
        case validationLoss = "val_loss"
        /// The mean global-batch training loss over the steps since the previous evaluation.
        case trainLoss = "train_loss"
    }

    /// How the metric must compare with the value.
    public enum Comparison: String, Codable, Sendable {
        /// The metric must be at least the value (`>=`, for accuracy).
        case atLeast = ">="
        /// The metric must be at most the value (`<=`, for losses).
        case atMost = "<="
    }

    /// The metric compared.
    public let metric: Metric
    /// How the metric must compare with `value`.
    public let comparison: Comparison
    /// The threshold.
    public let value: Double

    /// A target such as `val_accuracy>=0.9`, from its parts.
    public init(metric: Metric, comparison: Comparison, value: Double) {
        self.metric = metric
        self.comparison = comparison
        self.value = value
    }

    /// Parses `val_accuracy>=0.9`, `val_loss<=0.3` or `train_loss<=0.5` (spaces allowed).
    public init(parsing text: String) throws {
        let compact = text.filter { !$0.isWhitespace }
        let usage = "write it as METRIC>=VALUE or METRIC<=VALUE with METRIC one of "
            + Metric.allCases.map(\.rawValue).joined(separator: ", ") + ", e.g. 'val_accuracy>=0.9'"
        guard let range = compact.range(of: ">=") ?? compact.range(of: "<=") else {
            throw ConfigError("--target '\(text)': no >= or <=; \(usage)")
        }
        let name = String(compact[..<range.lowerBound])
        guard let metric = Metric(rawValue: name) else {
            throw ConfigError("--target '\(text)': unknown metric '\(name)'; \(usage)")
        }
        guard let value = Double(compact[range.upperBound...]), value.isFinite else {
            throw ConfigError("--target '\(text)': '\(compact[range.upperBound...])' is not a finite number; \(usage)")
        }
        let comparison = Comparison(rawValue: String(compact[range]))!  // one of the two just found
        // A loss target above or an accuracy target below makes no sense the other way round;
        // the wrong direction would be reached at step 1 and stop the run at once.
        if metric == .validationAccuracy && comparison == .atMost || metric != .validationAccuracy && comparison == .atLeast {
            let right = metric == .validationAccuracy ? ">=" : "<="
            throw ConfigError("--target '\(text)': \(metric.rawValue) targets use \(right) (a goal the run works toward)")
        }
        if metric == .validationAccuracy && !(0...1).contains(value) {
            throw ConfigError("--target '\(text)': accuracy is a fraction in [0, 1], e.g. 0.9 for 90 %")
        }
        self.init(metric: metric, comparison: comparison, value: value)
    }

    /// Whether `measured` meets the target.
    public func holds(for measured: Double) -> Bool {
        guard measured.isFinite else { return false }
        return comparison == .atLeast ? measured >= value : measured <= value
    }

    /// The config spelling, e.g. `val_accuracy>=0.9`.
    public var description: String { "\(metric.rawValue)\(comparison.rawValue)\(NumberText.shortest(value))" }
}

/// Numbers as people write them in flags: `0.9`, not `0.90000000000000002`.
enum NumberText {
    static func shortest(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
