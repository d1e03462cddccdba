import Foundation
import XCTest

/// Debian's Chromium, headless, with the network blocked, for the tests that open the pages
/// ddp-train writes in a real browser. `scripts/test.sh` installs it (as root) when missing.
enum HeadlessChromium {
    /// The browser, or a skip (a failure under CI=true, where test.sh installs it).
    static func path() throws -> String {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw LocalSlurm.Unavailable(message: "CI=true but chromium is not installed (scripts/test.sh installs it as root)")
        }
        throw XCTSkip("chromium is not installed (apt-get install chromium)")
    }

    /// Every host name fails to resolve, so any request the page makes fails (and is logged).
    /// --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    static let common = ["--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
                         "--enable-logging=stderr", "--v=0", "--window-size=1200,2400"]

    /// The DOM after load, and the console lines Chromium logged (`…:CONSOLE…] "message"`).
    static func load(_ page: URL) throws -> (dom: String, console: [String]) {
        let result = try DDPTrainProcess.launch(try path(), common + ["--dump-dom", page.absoluteString], timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        let console = result.stderr.split(whereSeparator: \.isNewline).map(String.init).filter { $0.contains(":CONSOLE") }
        return (result.stdout, console)
    }

    /// A PNG screenshot of `page`.
    static func screenshot(_ page: URL, to png: URL) throws {
        let result = try DDPTrainProcess.launch(try path(), common + ["--screenshot=\(png.path)", page.absoluteString], timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// The `<svg>…</svg>` elements of a page.
    static func svgs(_ html: String) -> [String] {
        html.components(separatedBy: "<svg").dropFirst().map { $0.components(separatedBy: "</svg>").first ?? "" }
    }

    /// True when an SVG holds plotted data: a polyline or path through at least two points, or
    /// circles (markers), or a grid of filled cells (a heatmap) — not only a frame and axes.
    static func hasPlottedData(_ svg: String) -> Bool {
        let polylines = matches(svg, #"<polyline[^>]*points="([^"]*)""#).filter { $0.split(separator: " ").count >= 2 }
        let paths = matches(svg, #"<path[^>]*d="([^"]*)""#).filter { $0.filter { "LlCcQq".contains($0) }.count >= 1 }
        let circles = svg.components(separatedBy: "<circle").count - 1
        let filledCells = svg.components(separatedBy: "<rect").dropFirst().filter { $0.contains("fill=\"#") || $0.contains("fill=\"rgb") }.count
        return !polylines.isEmpty || !paths.isEmpty || circles > 0 || filledCells >= 4
    }

    /// URLs a page would fetch: http(s) in src= or href= (the SVG namespace is not fetched).
    static func remoteReferences(_ html: String) -> [String] {
        matches(html, #"(?:src|href)\s*=\s*["']?(https?://[^"' >]*)"#)
    }

    private static func matches(_ text: String, _ pattern: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
