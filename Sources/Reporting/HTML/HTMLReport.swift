import DataFormats
import Foundation

/// One self-contained HTML page of results: a title, then sections of text, charts and
/// tables.
///
/// The page has inline CSS and inline SVG and nothing else: no scripts, no web fonts, no
/// external links, so it opens offline and can be mailed or archived as one file. All text
/// is escaped. The markup is also well-formed XML, which the tests use to check it.
///
/// ```swift
/// var report = HTMLReport(title: "Batch-size sweep")
/// report.sections.append(.init(heading: "Loss", paragraph: "Training loss per step.",
///                              blocks: [.chart(lossChart), .table(summary)]))
/// try report.write(to: URL(fileURLWithPath: "runs/sweep/report.html"))
/// ```
public struct HTMLReport: Sendable {
    /// One piece of a section's content.
    public enum Block: Sendable {
        /// A paragraph of plain text.
        case paragraph(String)
        /// A chart, embedded as inline SVG.
        case chart(any SVGChart)
        /// A table.
        case table(Table)
        /// Preformatted plain text, e.g. a configuration or a command line.
        case preformatted(String)
    }

    /// A headed part of the report.
    public struct Section: Sendable {
        /// The section's `<h2>` title, also listed in the page's table of contents.
        public var heading: String
        /// Shown under the heading, before the blocks; nil for none.
        public var paragraph: String?
        /// The content, in order.
        public var blocks: [Block]

        /// A section; content can also be appended later with `add(_:)`.
        public init(heading: String, paragraph: String? = nil, blocks: [Block] = []) {
            self.heading = heading
            self.paragraph = paragraph
            self.blocks = blocks
        }

        /// Appends a chart.
        public mutating func add(_ chart: any SVGChart) { blocks.append(.chart(chart)) }
        /// Appends a table.
        public mutating func add(_ table: Table) { blocks.append(.table(table)) }
    }

    /// The page title and top heading.
    public var title: String
    /// A line under the title (e.g. the command and date); nil for none.
    public var subtitle: String?
    /// The sections, in page order; with more than one, the page starts with links to each.
    public var sections: [Section]

    /// A report; sections can be appended later.
    public init(title: String, subtitle: String? = nil, sections: [Section] = []) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// The complete HTML document.
    public func html() -> String {
        var lines = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\"/>",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
            "<title>\(MarkupEscaping.escape(title))</title>",
            "<style>",
            Self.styleSheet,
            "</style>",
            "</head>",
            "<body>",
            "<header>",
            "<h1>\(MarkupEscaping.escape(title))</h1>",
        ]
        if let subtitle { lines.append("<p class=\"subtitle\">\(MarkupEscaping.escape(subtitle))</p>") }
        lines.append("</header>")
        if sections.count > 1 {
            lines.append("<nav><ul>")
            for (index, section) in sections.enumerated() {
                lines.append("<li><a href=\"#section-\(index + 1)\">\(MarkupEscaping.escape(section.heading))</a></li>")
            }
            lines.append("</ul></nav>")
        }
        for (index, section) in sections.enumerated() {
            lines.append("<section id=\"section-\(index + 1)\">")
            lines.append("<h2>\(MarkupEscaping.escape(section.heading))</h2>")
            if let paragraph = section.paragraph { lines.append("<p>\(MarkupEscaping.escape(paragraph))</p>") }
            for block in section.blocks { lines.append(Self.html(of: block)) }
            lines.append("</section>")
        }
        lines += ["</body>", "</html>", ""]
        return lines.joined(separator: "\n")
    }

    /// Writes the page to `url`, replacing any file there atomically.
    public func write(to url: URL) throws(ReportError) {
        do {
            try AtomicFileWriter.write(Data(html().utf8), to: url)
        } catch {
            throw .cannotWrite(path: url.path, reason: error.message)
        }
    }

    private static func html(of block: Block) -> String {
        switch block {
        case let .paragraph(text): "<p>\(MarkupEscaping.escape(text))</p>"
        case let .chart(chart): "<figure class=\"chart\">\n\(chart.svg())\n</figure>"
        case let .table(table): "<div class=\"table-wrap\">\n\(table.html())\n</div>"
        case let .preformatted(text): "<pre>\(MarkupEscaping.escape(text))</pre>"
        }
    }

    /// The page's CSS. It avoids `>` and `&` so that the page also stays well-formed XML.
    private static let styleSheet = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Helvetica, Arial, sans-serif;
               color: #222; background: #fafafa; margin: 0 auto; padding: 24px 32px 64px; max-width: 1100px;
               line-height: 1.5; }
        header { border-bottom: 1px solid #ddd; margin-bottom: 16px; }
        h1 { font-size: 1.7em; margin: 0 0 4px; }
        h2 { font-size: 1.3em; margin: 32px 0 8px; padding-top: 8px; border-top: 1px solid #e6e6e6; }
        .subtitle { color: #555; margin: 0 0 12px; }
        nav ul { margin: 0; padding-left: 20px; columns: 2; }
        p { max-width: 80ch; }
        figure.chart { margin: 16px 0; padding: 8px; background: #fff; border: 1px solid #e3e3e3;
                       border-radius: 4px; overflow-x: auto; }
        figure.chart svg { display: block; max-width: 100%; height: auto; }
        .table-wrap { overflow-x: auto; margin: 16px 0; }
        table { border-collapse: collapse; background: #fff; font-size: 0.92em; }
        caption { text-align: left; font-weight: 600; padding: 4px 0; }
        th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:nth-child(even) { background: #f7f7f7; }
        pre { background: #fff; border: 1px solid #e3e3e3; padding: 8px 12px; overflow-x: auto; }
        """
}
