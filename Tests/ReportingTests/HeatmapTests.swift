import XCTest
@testable import Reporting

final class HeatmapTests: XCTestCase {
    func testOneCellPerRowAndColumnWithMissingOnesGrey() throws {
        let heatmap = Heatmap(title: "‖∇W‖ by layer", rowLabels: ["layer0", "layer1", "layer2"],
                              columnLabels: ["0", "100", "200", "300"],
                              values: [[1, 2, 3, 4], [5, nil, 7, 8], [9, 10, .nan]], valueLabel: "norm")
        let svg = try XMLDocumentSummary(parsing: heatmap.svg())
        let cells = svg.elements(withClass: "cell")
        XCTAssertEqual(cells.count, 12)
        let missing = svg.elements(withClass: "missing")
        XCTAssertEqual(missing.count, 3, "nil, NaN and the absent last entry")
        XCTAssertTrue(missing.allSatisfy { $0.attributes["fill"] == Heatmap.missingColor })
        let fills = cells.filter { !svg.elements(withClass: "missing").map(\.attributes).contains($0.attributes) }
            .compactMap { $0.attributes["fill"] }
        XCTAssertEqual(fills.first, ColorScale.viridis(0), "the minimum is the darkest")
        XCTAssertEqual(fills.last, ColorScale.viridis(1), "the maximum is the brightest")
    }

    func testEveryCellHasATooltipWithItsValue() throws {
        let heatmap = Heatmap(title: "t", rowLabels: ["r"], columnLabels: ["c1", "c2"], values: [[0.125, nil]],
                              valueLabel: "x")
        let svg = try XMLDocumentSummary(parsing: heatmap.svg())
        let titles = svg.elements(named: "title").map(\.text)
        XCTAssertTrue(titles.contains("r · c1: x = 0.125"), "\(titles)")
        XCTAssertTrue(titles.contains("r · c2: x = no data"), "\(titles)")
    }

    func testLogScaleGreysOutNonPositiveValuesAndSpreadsDecades() throws {
        let heatmap = Heatmap(title: "t", rowLabels: ["a"], columnLabels: ["1", "2", "3", "4"],
                              values: [[1e-9, 1e-5, 0, 1e-1]], logScale: true)
        let svg = try XMLDocumentSummary(parsing: heatmap.svg())
        let cells = svg.elements(withClass: "cell")
        XCTAssertEqual(cells.map { $0.attributes["fill"] },
                       [ColorScale.viridis(0), ColorScale.viridis(0.5), Heatmap.missingColor, ColorScale.viridis(1)])
        let labels = svg.elements(named: "text").map(\.text)
        XCTAssertTrue(labels.contains("1e-9") && labels.contains("0.1") && labels.contains("1e-5"), "\(labels)")
    }

    func testManyColumnsThinTheirLabels() throws {
        let columns = (0..<200).map { "step \($0 * 10)" }
        let heatmap = Heatmap(title: "t", rowLabels: ["a", "b"], columnLabels: columns,
                              values: [columns.indices.map { Double($0) }, columns.indices.map { Double($0) }])
        let svg = try XMLDocumentSummary(parsing: heatmap.svg())
        XCTAssertEqual(svg.elements(withClass: "cell").count, 400)
        let shownColumnLabels = svg.elements(named: "text").filter { $0.text.hasPrefix("step ") }
        XCTAssertLessThan(shownColumnLabels.count, 60)
        XCTAssertGreaterThan(shownColumnLabels.count, 10)
    }

    func testLabelsAreEscaped() throws {
        let heatmap = Heatmap(title: "<t>", rowLabels: ["a&b"], columnLabels: ["\"c\""], values: [[1]])
        let svg = try XMLDocumentSummary(parsing: heatmap.svg())
        let texts = svg.elements(named: "text").map(\.text)
        XCTAssertTrue(texts.contains("a&b") && texts.contains("\"c\"") && texts.contains("<t>"), "\(texts)")
    }
}
