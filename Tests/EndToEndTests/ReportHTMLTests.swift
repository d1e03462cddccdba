import Foundation
import RunReports
import Training
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `RunReport` on hand-written runs, and `ddp-train report` on real ones.
final class ReportHTMLTests: XCTestCase {
    /// Counts elements and checks that the page parses as XML (the report promises that).
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            counts[name, default: 0] += 1
        }
    }

    func elements(of html: String) throws -> [String: Int] {
        let body = html.replacingOccurrences(of: "<!DOCTYPE html>", with: "")
        let parser = XMLParser(data: Data(body.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "the report is well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        return counter.counts
    }

    func assertSelfContained(_ html: String, file: StaticString = #filePath, line: UInt = #line) {
        let links = html.components(separatedBy: "http").dropFirst().filter { !$0.hasPrefix("://www.w3.org/2000/svg") }
        XCTAssertEqual(links.count, 0, "no external references", file: file, line: line)
        XCTAssertFalse(html.contains("<script"), file: file, line: line)
    }

    func testTwoRunsOverlaidWithTheirConfigurationsSideBySide() throws {
        let parent = try DDPTrainProcess.temporaryDirectory(self)
        let a = try ReportCSVExportTests.makeRun(in: parent, name: "sigmoid", lines: [
            ReportCSVExportTests.stepLine(1, loss: 2.5, diagnostics: true, saturated: 0.95),
            ReportCSVExportTests.stepLine(2, loss: 2.25, diagnostics: true, saturated: 0.97),
            #"{"type":"epoch","epoch":1,"step":2,"train_loss":2.375,"val_loss":2.5}"#,
        ])
        let b = try ReportCSVExportTests.makeRun(in: parent, name: "relu", lines: [
            ReportCSVExportTests.stepLine(1, loss: 1.5), ReportCSVExportTests.stepLine(2, loss: 1.0),
        ], activation: "relu")
        let report = RunReport.make([try RunHistory.load(a.path), try RunHistory.load(b.path)])
        let html = report.html()
        let counts = try elements(of: html)
        assertSelfContained(html)

        let headings = report.sections.map(\.heading)
        for heading in ["Runs", "Loss", "Gradient norms by layer", "Saturation and dead units", "Gradient noise scale",
                        "Time per phase"] {
            XCTAssertTrue(headings.contains(heading), "missing section \(heading): \(headings)")
        }
        // Loss, two heatmaps, vanishing factor, one activation chart (only one run has
        // diagnostics), phases: six charts; no noise-scale chart without estimates.
        XCTAssertEqual(counts["svg"], 6, "\(counts)")
        XCTAssertTrue(html.contains("Gradient norm by layer and step — sigmoid"))
        XCTAssertTrue(html.contains("Gradient norm by layer and step — relu"))
        XCTAssertTrue(html.contains("Settings that differ"))
        XCTAssertTrue(html.contains("<td>activation</td><td>sigmoid</td><td>relu</td>"), "configs side by side")
        XCTAssertTrue(html.contains("one rank, no accumulation"), "the reason the noise scale is missing")
        XCTAssertTrue(html.contains("sigmoid validation"), "validation curve overlaid, labelled by run")
        // Heatmap rows in model order: model.10 (the last layer) after model.2.
        let heatmap = try XCTUnwrap(html.range(of: "Gradient norm by layer and step — sigmoid"))
        let tail = html[heatmap.upperBound...]
        XCTAssertLessThan(try XCTUnwrap(tail.range(of: ">model.2.weight<")).lowerBound,
                          try XCTUnwrap(tail.range(of: ">model.10.weight<")).lowerBound)
    }

    func testReportOfRealRunsFromTheCommandLine() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        var runs: [String] = []
        for (name, extra) in [("sigmoid", [String]()), ("relu-accumulate", ["--activation", "relu", "--batch-size", "50", "--accumulate-steps", "2"])] {
            let run = dir.appendingPathComponent(name).path
            let r = try DDPTrainProcess.run(["--preset", "seed-sigmoid-mlp", "--epochs", "4", "--diagnostics-every", "2",
                                             "--quiet", "--run-dir", run] + extra)
            XCTAssertEqual(r.status, 0, r.output)
            runs.append(run)
        }
        let out = dir.appendingPathComponent("report.html")
        let r = try DDPTrainProcess.run(["report"] + runs + ["-o", out.path])
        XCTAssertEqual(r.status, 0, r.output)
        let html = try String(contentsOf: out, encoding: .utf8)
        let counts = try elements(of: html)
        assertSelfContained(html)
        // Loss, 2 heatmaps, vanishing factor, 2 activation charts, noise scale by batch and
        // over steps (the accumulating run has estimates), phases.
        XCTAssertEqual(counts["svg"], 9, "\(counts)")
        XCTAssertTrue(html.contains("Gradient noise scale B_simple vs effective batch size"))
        XCTAssertTrue(html.contains("<td>accumulateSteps</td><td class=\"num\">1</td><td class=\"num\">2</td>"), "settings side by side")

        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let failed = try DDPTrainProcess.run(["report", empty.path, "-o", dir.appendingPathComponent("x.html").path])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("metrics.jsonl"), failed.stderr)
    }
}
