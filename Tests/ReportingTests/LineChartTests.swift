import XCTest
@testable import Reporting

final class LineChartTests: XCTestCase {
    func testWellFormedWithOnePathPerSeries() throws {
        let chart = LineChart(title: "Loss", xLabel: "step", yLabel: "loss", series: [
            .init(name: "train", x: [0, 1, 2, 3], y: [2.3, 1.1, 0.7, 0.5]),
            .init(name: "validation", x: [0, 2], y: [2.4, 0.9]),
            .init(name: "ema", x: [0, 1, 2, 3], y: [2.3, 1.9, 1.5, 1.2]),
        ])
        let svg = try XMLDocumentSummary(parsing: chart.svg())
        XCTAssertEqual(svg.elements.first?.name, "svg")
        XCTAssertEqual(svg.elements.first?.attributes["xmlns"], "http://www.w3.org/2000/svg")
        let paths = svg.elements(withClass: "series")
        XCTAssertEqual(paths.count, 3)
        XCTAssertEqual(Set(paths.compactMap { $0.attributes["stroke"] }).count, 3, "series need distinct colours")
        XCTAssertEqual(svg.elements(withClass: "marker").count, 10)
        let texts = svg.elements(named: "text").map(\.text)
        for expected in ["Loss", "step", "loss", "train", "validation", "ema"] {
            XCTAssertTrue(texts.contains(expected), "missing text \(expected)")
        }
    }

    func testLogScaleSkipsZerosAndNegativesAndBreaksTheLine() throws {
        let chart = LineChart(title: "Gradient norm", series: [
            .init(name: "layer 0", x: [0, 1, 2, 3, 4], y: [1e-3, 0, 1e-5, -2, 1e-8]),
            .init(name: "all zero", x: [0, 1], y: [0, 0]),
        ], logY: true)
        let markup = chart.svg()
        XCTAssertFalse(markup.contains("nan"), "no NaN coordinates")
        XCTAssertFalse(markup.contains("inf"), "no infinite coordinates")
        let svg = try XMLDocumentSummary(parsing: markup)
        let paths = svg.elements(withClass: "series")
        XCTAssertEqual(paths.count, 1, "a series without positive values draws no path")
        let d = try XCTUnwrap(paths.first?.attributes["d"])
        XCTAssertEqual(d.filter { $0 == "M" }.count, 3, "each skipped point starts a new segment")
        XCTAssertEqual(svg.elements(withClass: "marker").count, 3)
        let labels = Set(svg.elements(named: "text").map(\.text))
        XCTAssertTrue(labels.contains("1e-8"), "log ticks use exponent labels: \(labels)")
        XCTAssertTrue(labels.contains("0.001"))
    }

    func testNonFiniteValuesAreSkipped() throws {
        let chart = LineChart(title: "t", series: [.init(name: "s", x: [0, 1, 2], y: [1, .nan, .infinity])])
        let svg = try XMLDocumentSummary(parsing: chart.svg())
        XCTAssertEqual(svg.elements(withClass: "marker").count, 1)
    }

    func testEmptyChartSaysSo() throws {
        let svg = try XMLDocumentSummary(parsing: LineChart(title: "empty", series: []).svg())
        XCTAssertTrue(svg.elements(named: "text").contains { $0.text == "no data" })
        XCTAssertTrue(svg.elements(withClass: "series").isEmpty)
    }

    func testTextIsEscaped() throws {
        let name = "a<b & \"c\" 'd'>"
        let markup = LineChart(title: name, xLabel: name, series: [.init(name: name, x: [1], y: [1])]).svg()
        XCTAssertFalse(markup.contains("a<b"))
        let svg = try XMLDocumentSummary(parsing: markup)
        XCTAssertEqual(svg.elements(named: "title").first?.text, name)
        XCTAssertEqual(svg.elements.first?.attributes["aria-label"], name)
        XCTAssertTrue(svg.elements(named: "text").contains { $0.text == name })
    }

    func testManySeriesStayDistinguishable() throws {
        let series = (0..<10).map { LineChart.Series(name: "layer \($0)", x: [0, 1], y: [Double($0), 1]) }
        let svg = try XMLDocumentSummary(parsing: LineChart(title: "t", series: series).svg())
        let styles = svg.elements(withClass: "series").map { "\($0.attributes["stroke"] ?? "") \($0.attributes["stroke-dasharray"] ?? "")" }
        XCTAssertEqual(Set(styles).count, 10)
    }

    func testSequentialColoringRunsDarkToLight() throws {
        let series = (0..<4).map { LineChart.Series(name: "layer \($0)", x: [0, 1], y: [1, 2]) }
        let svg = try XMLDocumentSummary(parsing: LineChart(title: "t", series: series, coloring: .sequential).svg())
        let strokes = svg.elements(withClass: "series").compactMap { $0.attributes["stroke"] }
        XCTAssertEqual(strokes.first, "#440154", "viridis starts dark purple")
        XCTAssertEqual(Set(strokes).count, 4)
    }
}
