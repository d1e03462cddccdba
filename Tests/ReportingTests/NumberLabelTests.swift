import XCTest
@testable import Reporting

final class NumberLabelTests: XCTestCase {
    func testLinearTicks() {
        XCTAssertEqual(NumberLabel.tick(0, step: 0.2), "0")
        XCTAssertEqual(NumberLabel.tick(0.6000000000000001, step: 0.2), "0.6")
        XCTAssertEqual(NumberLabel.tick(1500, step: 500), "1500")
        XCTAssertEqual(NumberLabel.tick(-2, step: 1), "-2")
        XCTAssertEqual(NumberLabel.tick(1.5e-5, step: 5e-6), "1.5e-5")
        XCTAssertEqual(NumberLabel.tick(2e7, step: 1e7), "2e7")
    }

    func testValues() {
        XCTAssertEqual(NumberLabel.value(0.012345678), "0.01235")
        XCTAssertEqual(NumberLabel.value(2.5), "2.5")
        XCTAssertEqual(NumberLabel.value(3.2e-9), "3.2e-9")
        XCTAssertEqual(NumberLabel.value(9.99999e-7), "1e-6")
        XCTAssertEqual(NumberLabel.value(.nan), "NaN")
    }

    func testPowers() {
        XCTAssertEqual(NumberLabel.power(mantissa: 1, -6), "1e-6")
        XCTAssertEqual(NumberLabel.power(mantissa: 1, -2), "0.01")
        XCTAssertEqual(NumberLabel.power(mantissa: 5, 2), "500")
        XCTAssertEqual(NumberLabel.power(mantissa: 2, 8), "2e8")
    }

    func testLogAxisThinsLabelsOverManyDecades() {
        let scale = AxisScale.logarithmic(dataRange: 3e-13...0.5, pixels: (300, 0), tickCount: 6)
        XCTAssertLessThan(scale.lower, 3e-13)
        XCTAssertGreaterThan(scale.upper, 0.5)
        XCTAssertEqual(scale.ticks.count, 14, "one grid line per decade, 1e-13 through 1")
        XCTAssertEqual(scale.ticks.compactMap(\.label), ["1e-12", "1e-9", "1e-6", "0.001", "1"])
        XCTAssertEqual(scale.position(scale.upper), 0, accuracy: 1e-9)
        XCTAssertEqual(scale.position(scale.lower), 300, accuracy: 1e-9)
        XCTAssertEqual(scale.position(sqrt(scale.lower * scale.upper)), 150, accuracy: 1e-9)
    }

    func testLogAxisOverAFewDecadesLabelsOneTwoFive() {
        let scale = AxisScale.logarithmic(dataRange: 32...4096, pixels: (0, 500), tickCount: 6)
        XCTAssertEqual(scale.ticks.compactMap(\.label), ["50", "100", "200", "500", "1000", "2000"])
    }

    func testLogAxisWithinOneDecadeWidensToWholeDecades() {
        let scale = AxisScale.logarithmic(dataRange: 2.1...2.3, pixels: (0, 500), tickCount: 6)
        XCTAssertEqual(scale.lower, 1)
        XCTAssertEqual(scale.upper, 10)
        XCTAssertEqual(scale.ticks.compactMap(\.label), ["1", "2", "5", "10"])
    }

    func testLinearAxisUsesNiceBounds() {
        let scale = AxisScale.linear(dataRange: 0.13...0.87, pixels: (0, 100), tickCount: 5)
        XCTAssertEqual(scale.lower, 0.0, accuracy: 1e-12)
        XCTAssertEqual(scale.upper, 1.0, accuracy: 1e-12)
        XCTAssertEqual(scale.ticks.compactMap(\.label), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }
}
