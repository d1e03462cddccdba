import Foundation

/// A table of text for an `HTMLReport`: a header row and data rows.
///
/// Cells are plain text and are escaped when rendered. Cells that read as numbers are
/// right-aligned so that digits line up.
public struct Table: Equatable, Sendable {
    /// The column titles.
    public var headers: [String]
    /// The rows; a short row is padded with empty cells.
    public var rows: [[String]]
    /// A caption shown above the table; nil for none.
    public var caption: String?

    /// A table; `headers` may be empty for a table without a header row.
    public init(headers: [String], rows: [[String]], caption: String? = nil) {
        self.headers = headers
        self.rows = rows
        self.caption = caption
    }

    /// What may surround a number in a cell that still reads as one ("12.5 %").
    private static let numberDecoration = CharacterSet(charactersIn: " %")

    /// The `<table>` element.
    public func html() -> String {
        let columns = Swift.max(headers.count, rows.map(\.count).max() ?? 0)
        var lines = ["<table>"]
        if let caption { lines.append("<caption>\(MarkupEscaping.escape(caption))</caption>") }
        if !headers.isEmpty {
            let cells = (0..<columns).map { index in
                "<th>\(MarkupEscaping.escape(index < headers.count ? headers[index] : ""))</th>"
            }
            lines.append("<thead><tr>\(cells.joined())</tr></thead>")
        }
        lines.append("<tbody>")
        for row in rows {
            let cells = (0..<columns).map { index -> String in
                let text = index < row.count ? row[index] : ""
                let numeric = Double(text.trimmingCharacters(in: Self.numberDecoration)) != nil
                return numeric ? "<td class=\"num\">\(MarkupEscaping.escape(text))</td>"
                    : "<td>\(MarkupEscaping.escape(text))</td>"
            }
            lines.append("<tr>\(cells.joined())</tr>")
        }
        lines.append("</tbody>")
        lines.append("</table>")
        return lines.joined(separator: "\n")
    }
}
