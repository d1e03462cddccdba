import Foundation
import Reporting

/// What a run shows in TensorBoard's HParams dashboard: its settings as hyperparameters and
/// its final metrics as the scalar tags the dashboard's metric columns name.
public enum RunHParams {
    /// The metric tags every run writes at its end (`final/…`), then one `target/<metric>_step`
    /// per target: the step the target was first reached at (absent when it never was).
    public static func metricTags(targets: [TrainingTarget]) -> [String] {
        var tags = ["final/train_loss", "final/val_loss", "final/val_accuracy", "final/steps"]
        for target in targets where !tags.contains(targetTag(target.metric.rawValue)) {
            tags.append(targetTag(target.metric.rawValue))
        }
        return tags
    }

    /// The configuration's fields as hyperparameters, sorted by name, plus `ranks`.
    ///
    /// Names are the config.json keys, as sweeps' `--grid` names them, so a sweep's columns
    /// find them. `runDir` is left out (it differs in every run and says nothing about it);
    /// null fields are left out; lists and objects (targets, schedules) become their compact
    /// JSON text, which the dashboard shows and filters as a string.
    public static func hyperparameters(_ config: TrainingConfig, ranks: Int) -> [(name: String, value: HParamsPluginData.Value)] {
        var values: [String: HParamsPluginData.Value] = ["ranks": .number(Double(ranks))]
        let object = (try? JSONEncoder().encode(config)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        for (key, field) in object as? [String: Any] ?? [:] where key != "runDir" {
            if let value = hparamValue(field) { values[key] = value }
        }
        return values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The scalars a run writes at its last step for the metric columns; unknown values are nil.
    public static func finalScalars(_ summary: RunSummary) -> [(String, Double?)] {
        var scalars: [(String, Double?)] = [
            ("final/train_loss", summary.final.trainLoss), ("final/val_loss", summary.final.valLoss),
            ("final/val_accuracy", summary.final.valAccuracy), ("final/steps", Double(summary.steps)),
        ]
        var seen: Set<String> = []
        // With two targets on one metric the first (as given) names the column.
        for crossing in summary.targets where seen.insert(crossing.metric).inserted {
            scalars.append((targetTag(crossing.metric), crossing.step.map(Double.init)))
        }
        return scalars
    }

    /// Finished runs succeed; diverged and pre-empted ones did not reach their end.
    public static func status(_ end: RunEnd?) -> HParamsPluginData.Status {
        switch end {
        case .finished, .targetsReached, .maxSteps: .success
        case .diverged, .preempted: .failure
        case nil: .unknown
        }
    }

    static func targetTag(_ metric: String) -> String { "target/\(metric)_step" }

    /// JSONSerialization boxes booleans and numbers alike; the encoding tells them apart.
    static func hparamValue(_ field: Any) -> HParamsPluginData.Value? {
        switch field {
        case is NSNull: return nil
        case let number as NSNumber:
            return String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        case let text as String: return .string(text)
        default:
            guard let data = try? JSONSerialization.data(withJSONObject: field, options: [.sortedKeys]) else { return nil }
            return .string(String(decoding: data, as: UTF8.self))
        }
    }
}
