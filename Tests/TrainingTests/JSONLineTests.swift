import DataFormats
import Foundation
@testable import Training
import XCTest

/// `JSONLine` writes exactly the text it always did (metrics.jsonl is read by scripts that
/// compare runs), and `JSONText` escapes what JSON requires and nothing else.
final class JSONLineTests: XCTestCase {
    func testEscapesOnlyWhatJSONRequires() throws {
        XCTAssertEqual(JSONText.quoted("model.0.weight"), "\"model.0.weight\"")
        XCTAssertEqual(JSONText.quoted(""), "\"\"")
        XCTAssertEqual(JSONText.quoted("a\"b\\c"), "\"a\\\"b\\\\c\"")
        XCTAssertEqual(JSONText.quoted("line\nnext\r\ttab"), "\"line\\nnext\\r\\ttab\"")
        XCTAssertEqual(JSONText.quoted("bell\u{07}"), "\"bell\\u0007\"")
        XCTAssertEqual(JSONText.quoted("σ ≥ 0.5 🙂"), "\"σ ≥ 0.5 🙂\"")
        // Whatever it writes, a JSON reader gives back the same string.
        for text in ["plain", "q\"uote", "back\\slash", "ctl\u{01}\u{1f}", "ünï", "\u{7f}del"] {
            let data = Data(("[" + JSONText.quoted(text) + "]").utf8)
            XCTAssertEqual(try JSONSerialization.jsonObject(with: data) as? [String], [text], text)
        }
    }

    func testNumbersKeepTheirFormat() {
        var line = JSONLine()
        line.add("int", 42)
        line.add("whole", 3.0 as Double?)
        line.add("fraction", 0.1 as Double?)
        line.add("nan", Double.nan as Double?)
        line.add("none", nil as Double?)
        line.add("huge", 1e20 as Double?)
        line.add("lr", Float(0.01))
        line.add("tiny", Float(1e-5))
        line.add("float_whole", Float(3))
        line.add("float_big", Float(2_716_135_000))
        line.add("float_inf", -Float.infinity)
        XCTAssertEqual(line.string, #"{"int":42,"whole":3,"fraction":0.1,"nan":null,"none":null,"huge":1e+20,"#
                       + #""lr":0.01,"tiny":1e-05,"float_whole":3,"float_big":2716135000,"float_inf":null}"#)
    }

    func testNestedObjectsAndPairs() {
        var inner = JSONLine()
        inner.add("mean_ms", 0.25 as Double?)
        var line = JSONLine()
        line.add("type", "step")
        line.add("ok", true)
        line.add("norms", [("model.0.weight", 2.5 as Double?), ("odd\"name", nil)])
        line.add("empty", [(String, Double?)]())
        line.add("timing", object: inner)
        line.add("nothing", object: JSONLine())
        XCTAssertEqual(line.string, #"{"type":"step","ok":true,"norms":{"model.0.weight":2.5,"odd\"name":null},"#
                       + #""empty":{},"timing":{"mean_ms":0.25},"nothing":{}}"#)
    }
}
