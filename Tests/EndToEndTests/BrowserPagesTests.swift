import Foundation
import XCTest

/// The HTML pages ddp-train writes, opened in a real browser (headless Chromium, network
/// blocked): every chart drew data, the console stayed silent, the page asked for nothing
/// remote, and a screenshot is not blank.
final class BrowserPagesTests: XCTestCase {
    func testRunReportDrawsEveryChartInChromium() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        let run = dir.appendingPathComponent("run")
        let trained = try DDPTrainProcess.run(["--preset", "teacher-regression", "--samples", "480", "--epochs", "8",
                                               "--diagnostics-every", "2", "--quiet", "--run-dir", run.path])
        XCTAssertEqual(trained.status, 0, trained.output)
        let page = dir.appendingPathComponent("report.html")
        let report = try DDPTrainProcess.run(["report", run.path, "-o", page.path])
        XCTAssertEqual(report.status, 0, report.output)
        try check(page, minimumCharts: 3, screenshot: "report.png")
    }

    func testCriticalBatchPageDrawsEveryChartInChromium() throws {
        let dir = try DDPTrainProcess.temporaryDirectory(self)
        // The small study of CriticalBatchEndToEndTests.
        let study = try DDPTrainProcess.run(
            ["critical-batch", "--preset", "teacher-classification", "--samples", "1024",
             "--batch-sizes", "16,64", "--target", "val_accuracy>=0.6", "--seeds", "2",
             "--max-steps", "400", "--eval-schedule", "geometric:0.1", "--lr-extensions", "2", "--lr-refinements", "0",
             "--resamples", "200", "--jobs", "2", "--study-dir", dir.path], timeout: 600)
        XCTAssertEqual(study.status, 0, study.output)
        try check(dir.appendingPathComponent("critical-batch.html"), minimumCharts: 1, screenshot: "critical-batch.png")
    }

    /// Loads `page` in Chromium and checks what it drew; keeps the screenshot in
    /// DDP_TRAIN_SCREENSHOTS when set (how docs/images/ is refreshed).
    func check(_ page: URL, minimumCharts: Int, screenshot name: String) throws {
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertEqual(HeadlessChromium.remoteReferences(html), [], "the page would fetch something remote")

        let (dom, console) = try HeadlessChromium.load(page)
        XCTAssertEqual(console, [], "console messages (the pages have no scripts; a message is a failed load or an error)")
        let charts = HeadlessChromium.svgs(dom)
        XCTAssertGreaterThanOrEqual(charts.count, minimumCharts, "charts in the loaded page")
        for (index, chart) in charts.enumerated() {
            let label = chart.range(of: #"aria-label="[^"]*""#, options: .regularExpression).map { String(chart[$0]) } ?? "chart \(index)"
            XCTAssertTrue(HeadlessChromium.hasPlottedData(chart), "\(label) drew no data: \(chart.prefix(600))")
        }

        // Not blank: an empty page at the same size is the control. Charts, text and colour
        // compress far worse than a white page.
        let dir = page.deletingLastPathComponent()
        let blankPage = dir.appendingPathComponent("blank-control.html")
        try Data("<!doctype html><html><body></body></html>".utf8).write(to: blankPage)
        let shot = dir.appendingPathComponent(name), blank = dir.appendingPathComponent("blank-control.png")
        try HeadlessChromium.screenshot(page, to: shot)
        try HeadlessChromium.screenshot(blankPage, to: blank)
        let size = try Data(contentsOf: shot).count, blankSize = try Data(contentsOf: blank).count
        XCTAssertEqual(try Data(contentsOf: shot).prefix(8), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        XCTAssertGreaterThan(size, 4 * blankSize, "the screenshot (\(size) bytes) is about as empty as a blank page's (\(blankSize))")
        if let keep = ProcessInfo.processInfo.environment["DDP_TRAIN_SCREENSHOTS"] {
            let target = URL(fileURLWithPath: keep).appendingPathComponent(name)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: shot, to: target)
        }
    }
}
