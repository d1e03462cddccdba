import Foundation
import XCTest
@testable import Reporting

final class HTMLReportTests: XCTestCase {
    func testReportIsSelfContainedAndWellFormed() throws {
        var section = HTMLReport.Section(heading: "Loss & accuracy", paragraph: "Lower <is> better.")
        section.add(LineChart(title: "loss", series: [.init(name: "train", x: [0, 1], y: [1, 0.5])]))
        section.add(Table(headers: ["run", "final loss"], rows: [["lr=0.1 <a>", "0.25"], ["b&c"]]))
        let report = HTMLReport(title: "Sweep \"1\"", subtitle: "ddp-train --preset x", sections: [
            section,
            HTMLReport.Section(heading: "Config", blocks: [.preformatted("a < b\n c"), .paragraph("x")]),
        ])
        let html = report.html()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for external in ["<script", "http://", "https://", "@import", "url("] {
            let hits = html.components(separatedBy: external).count - 1
            let allowed = external == "http://" ? 1 : 0  // the SVG namespace declaration
            XCTAssertEqual(hits, allowed, "unexpected \(external)")
        }
        let document = try XMLDocumentSummary(parsing: html)
        XCTAssertEqual(document.elements(named: "h1").first?.text, "Sweep \"1\"")
        XCTAssertEqual(document.elements(named: "h2").map(\.text), ["Loss & accuracy", "Config"])
        XCTAssertEqual(document.elements(named: "p").map(\.text).filter { $0 == "Lower <is> better." }.count, 1)
        XCTAssertEqual(document.elements(named: "svg").count, 1)
        XCTAssertEqual(document.elements(named: "pre").first?.text, "a < b\n c")
        XCTAssertEqual(document.elements(named: "th").map(\.text), ["run", "final loss"])
        let cells = document.elements(named: "td")
        XCTAssertEqual(cells.map(\.text), ["lr=0.1 <a>", "0.25", "b&c", ""], "short rows are padded")
        XCTAssertEqual(cells[1].attributes["class"], "num")
        XCTAssertNil(cells[0].attributes["class"])
        XCTAssertEqual(document.elements(named: "a").map { $0.attributes["href"] }, ["#section-1", "#section-2"])
    }

    func testWriteCreatesTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("report.html")
        let report = HTMLReport(title: "r")
        try report.write(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), report.html())
        let missing = directory.url.appendingPathComponent("absent/report.html")
        XCTAssertThrowsError(try report.write(to: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing.path))
        }
    }

    func testEscapingDropsCharactersXMLForbids() {
        XCTAssertEqual(MarkupEscaping.escape("a\u{1}b\tc<"), "ab\tc&lt;")
    }
}
