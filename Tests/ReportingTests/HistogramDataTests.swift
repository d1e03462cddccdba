import XCTest
@testable import Reporting

final class HistogramDataTests: XCTestCase {
    func testStatisticsAndBuckets() {
        let histogram = HistogramData(values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bucketCount: 5)
        XCTAssertEqual(histogram.min, 0)
        XCTAssertEqual(histogram.max, 10)
        XCTAssertEqual(histogram.count, 11)
        XCTAssertEqual(histogram.sum, 55)
        XCTAssertEqual(histogram.sumOfSquares, 385)
        XCTAssertEqual(histogram.bucketLimits, [2, 4, 6, 8, .greatestFiniteMagnitude])
        // [0,2) [2,4) [4,6) [6,8) [8,10]: the maximum joins the last bucket.
        XCTAssertEqual(histogram.bucketCounts, [2, 2, 2, 2, 3])
    }

    func testDefaultHasThirtyIncreasingBucketsThatCountEveryValue() {
        let values = (0..<1000).map { Float(sin(Double($0))) * 3 }
        let histogram = HistogramData(values: values)
        XCTAssertEqual(histogram.bucketLimits.count, 30)
        XCTAssertEqual(histogram.bucketCounts.count, 30)
        XCTAssertEqual(histogram.bucketCounts.reduce(0, +), 1000)
        XCTAssertTrue(zip(histogram.bucketLimits, histogram.bucketLimits.dropFirst()).allSatisfy { $0 < $1 })
        for value in values {
            let bucket = histogram.bucketLimits.firstIndex { Double(value) < $0 }
            XCTAssertNotNil(bucket, "\(value) is in no bucket")
        }
    }

    func testNonFiniteValuesAreLeftOut() {
        let histogram = HistogramData(values: [1, .nan, 3, .infinity, -.infinity], bucketCount: 2)
        XCTAssertEqual(histogram.count, 2)
        XCTAssertEqual(histogram.min, 1)
        XCTAssertEqual(histogram.max, 3)
        XCTAssertEqual(histogram.sum, 4)
        XCTAssertEqual(histogram.bucketCounts, [1, 1])
    }

    func testEqualValuesMakeOneBucket() {
        let histogram = HistogramData(values: [0.5, 0.5, 0.5])
        XCTAssertEqual(histogram.bucketLimits, [.greatestFiniteMagnitude])
        XCTAssertEqual(histogram.bucketCounts, [3])
        XCTAssertEqual(histogram.min, 0.5)
        XCTAssertEqual(histogram.max, 0.5)
    }

    func testEmptyInputGivesAnEmptyHistogram() {
        let histogram = HistogramData(values: [])
        XCTAssertEqual(histogram.count, 0)
        XCTAssertEqual(histogram.bucketCounts, [0])
    }
}
