import Foundation

/// The side-by-side table of a built-in comparison (seed-batch-lr).
enum ComparisonTable {
    static func render(points: [TrainingConfig.ComparisonPoint], summaries: [TrainingSummary]) -> String {
        var lines = ["Comparison (each point from the same fresh initialization):",
                     "  point                  lr        batch  first loss  final loss  vanishing (first → last)"]
        for (p, s) in zip(points, summaries) {
            let name = p.name.padding(toLength: 21, withPad: " ", startingAt: 0)
            lines.append(String(format: "  %@  %-8g  %5d  %10.4f  %10.4f  %@ → %@", name, Double(p.lr), p.globalBatchSize,
                                s.firstLoss, s.finalLoss, s.fmt(s.firstVanishingFactor), s.fmt(s.lastVanishingFactor)))
        }
        return lines.joined(separator: "\n")
    }
}
