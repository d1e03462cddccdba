import XCTest
@testable import Reporting

final class BarChartTests: XCTestCase {
    func testGroupedBarsWithTooltips() throws {
        let chart = BarChart(title: "Unit health", yLabel: "fraction", categories: ["layer0", "layer1", "layer2"],
                             series: [.init(name: "saturated", values: [0.5, 0.25, nil]),
                                      .init(name: "dead", values: [0, 0.75, 1])],
                             yRange: 0...1)
        let svg = try XMLDocumentSummary(parsing: chart.svg())
        let bars = svg.elements(withClass: "bar")
        XCTAssertEqual(bars.count, 5, "the nil value draws no bar")
        XCTAssertEqual(Set(bars.compactMap { $0.attributes["fill"] }).count, 2)
        let titles = svg.elements(named: "title").map(\.text)
        XCTAssertTrue(titles.contains("dead · layer1: 0.75"), "\(titles)")
        let heights = bars.compactMap { $0.attributes["height"].flatMap(Double.init) }
        // saturated 0.5, 0.25, dead 0, 0.75, 1 (drawn category by category).
        XCTAssertEqual(heights[0], heights[4] / 2, accuracy: 0.02)
        XCTAssertEqual(heights[1], 0, accuracy: 0.01)
        XCTAssertEqual(heights[3], heights[4] * 0.75, accuracy: 0.02)
        let ticks = svg.elements(named: "text").map(\.text)
        XCTAssertTrue(ticks.contains("0") && ticks.contains("1.0"), "\(ticks)")
    }

    func testNegativeValuesHangBelowZero() throws {
        let chart = BarChart(title: "t", categories: ["a", "b"], series: [.init(name: "s", values: [2, -1])])
        let svg = try XMLDocumentSummary(parsing: chart.svg())
        let bars = svg.elements(withClass: "bar")
        let tops = bars.compactMap { $0.attributes["y"].flatMap(Double.init) }
        let heights = bars.compactMap { $0.attributes["height"].flatMap(Double.init) }
        XCTAssertEqual(heights[0], 2 * heights[1], accuracy: 0.05)
        XCTAssertEqual(tops[0] + heights[0], tops[1], accuracy: 0.05, "both bars meet at the zero line")
    }
}
