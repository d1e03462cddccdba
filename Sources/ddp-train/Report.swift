import ArgumentParser
import Foundation
import RunReports
import Training

/// `ddp-train report`: one self-contained HTML page for one or more runs.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an HTML report (inline SVG charts, no network) of one or more runs.",
        discussion: """
        Loss curves, a per-layer × step heatmap of gradient norms, saturation and dead units by layer, the gradient \
        noise scale against effective batch size, and time per phase. Several runs are overlaid, with their \
        configurations side by side. Train with --diagnostics-every K for the per-layer diagnostics.
        """
    )

    @Argument(help: "Run directories written by `ddp-train train`.")
    var runDirectories: [String]

    @Option(name: [.short, .customLong("output")], help: "The HTML file to write.")
    var output = "report.html"

    @Option(help: "The page title (default: from the run names).")
    var title: String?

    func run() throws {
        do {
            let url = URL(fileURLWithPath: output)
            try RunReport.write(runDirectories: runDirectories, to: url, title: title)
            print("ddp-train: wrote \(url.path)")
        } catch {
            fail("\(error)")
        }
    }
}
