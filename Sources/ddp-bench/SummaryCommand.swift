import ArgumentParser
import Foundation

/// `ddp-bench summary`: the ratios a `scripts/bench.sh` run was for, from its result files.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Compare one scripts/bench.sh run's results: ours vs PyTorch, sync vs raw allreduce, scaling.",
        discussion: """
        Reads the JSON files scripts/bench.sh wrote to --results and prints each comparison beside
        its target. Figures measured in several rounds are combined by their median. Nothing here
        fails on a number: a target not met is printed as such.
        """
    )

    @Option(help: "The results directory of one scripts/bench.sh run.")
    var results: String

    @Option(help: "Also write the summary as JSON to this file.")
    var json: String?

    func run() throws {
        let files = try ResultFiles(directory: results)
        let summary = BenchSummary(files)
        summary.print()
        if let json { try JSONReport.write(summary, to: json); Swift.print("wrote \(json)") }
    }
}
