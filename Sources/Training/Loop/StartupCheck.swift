import Collectives
import Foundation
import NN

/// Verifies, before any training, that every rank holds the same model, configuration and
/// dataset. Ranks that disagree would average meaningless gradients, or hang on mismatched
/// buffer sizes; this check turns that into one clear error on every rank.
public enum StartupCheck {
    /// A rank disagreed with rank 0.
    public struct Mismatch: Error, CustomStringConvertible {
        /// Which rank disagreed, and about what.
        public let description: String
    }

    /// Gathers each rank's model signature, configuration and data fingerprint, and throws on
    /// every rank if any rank differs from rank 0. Collective.
    public static func verifyAgreement(communicator: any Communicator, config: TrainingConfig,
                                       model: Module, dataset: Dataset) throws {
        guard communicator.worldSize > 1 else { return }
        var comparable = config
        comparable.runDir = nil  // chosen per launch; rank 0 writes it alone
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let configText = (try? String(decoding: encoder.encode(comparable), as: UTF8.self)) ?? ""
        let modelText = model.stateDict().map { "\($0.name)\($0.tensor.shape)" }.joined(separator: ",")
        let items = [("model (parameter names and shapes)", modelText), ("configuration", configText),
                     ("dataset", dataset.fingerprint)]
        let payload = items.map(\.1).joined(separator: "\u{1F}")
        let all = communicator.allGatherBytes(Array(payload.utf8)).map { String(decoding: $0, as: UTF8.self) }
        var problems: [String] = []
        let reference = all[0].components(separatedBy: "\u{1F}")
        for (rank, text) in all.enumerated().dropFirst() {
            let parts = text.components(separatedBy: "\u{1F}")
            for (i, item) in items.enumerated() where i >= parts.count || parts[i] != reference[i] {
                var detail = ""
                if i < parts.count {
                    if i == 1 { detail = configurationDifference(reference[i], parts[i], rank: rank) }
                    if i == 2 { detail = " (rank 0: \(reference[i]); rank \(rank): \(parts[i]))" }
                }
                problems.append("rank \(rank) has a different \(item.0) from rank 0\(detail)")
            }
        }
        if !problems.isEmpty {
            throw Mismatch(description: "ranks disagree before training: " + problems.joined(separator: "; ")
                           + ". Launch every rank with the same flags, config file and data files.")
        }
    }

    /// The fields two encoded configurations disagree on, with both values, such as
    /// ` (seed: rank 0 1, rank 1 2)`; empty when they cannot be compared field by field.
    static func configurationDifference(_ reference: String, _ other: String, rank: Int) -> String {
        func fields(_ text: String) -> [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        }
        func show(_ value: Any?) -> String {
            guard let value, !(value is NSNull) else { return "unset" }
            if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
        guard let a = fields(reference), let b = fields(other) else { return "" }
        let differing = Set(a.keys).union(b.keys).sorted().filter { show(a[$0]) != show(b[$0]) }
        guard !differing.isEmpty else { return "" }
        let listed = differing.prefix(8).map { "\($0): rank 0 \(show(a[$0])), rank \(rank) \(show(b[$0]))" }
        return " (" + listed.joined(separator: "; ") + (differing.count > 8 ? "; …" : "") + ")"
    }
}
