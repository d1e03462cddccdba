import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses markup with Foundation's XMLParser and records its elements, failing on anything
/// that is not well-formed XML.
final class XMLDocumentSummary: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// The text directly inside the element.
        var text: String
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []

    init(parsing markup: String) throws {
        super.init()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = self
        guard parser.parse() else {
            let line = parser.lineNumber
            let lines = markup.split(separator: "\n", omittingEmptySubsequences: false)
            let context = line >= 1 && line <= lines.count ? String(lines[line - 1].prefix(200)) : ""
            throw ParseError(description: "not well-formed XML at line \(line): "
                             + "\(parser.parserError.map { "\($0)" } ?? "unknown error"); \(context)")
        }
    }

    /// The elements named `name`, in document order.
    func elements(named name: String) -> [Element] {
        elements.filter { $0.name == name }
    }

    /// The elements whose `class` attribute lists `cssClass`.
    func elements(withClass cssClass: String) -> [Element] {
        elements.filter { $0.attributes["class"]?.split(separator: " ").contains(Substring(cssClass)) ?? false }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: elementName, attributes: attributeDict, text: ""))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }
}
