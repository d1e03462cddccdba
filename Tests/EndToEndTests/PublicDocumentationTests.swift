import Foundation
import XCTest

/// Every public or open declaration under Sources/ carries a `///` doc comment.
///
/// The scan is textual, line by line: a line declaring a `func`, `var`, `let`, `init`,
/// `subscript`, `struct`, `class`, `enum`, `protocol`, `typealias` or `actor` with `public` or
/// `open` among its modifiers, and every `case` line directly inside a public enum, must be
/// preceded by a `///` line (or the end of a `/** … */` block). Attribute lines between the two
/// (`@inlinable`, `@discardableResult`, …) are skipped; `public extension` lines are exempt,
/// since the members inside carry their own comments.
final class PublicDocumentationTests: XCTestCase {
    /// Files that may have undocumented public declarations, relative to the package root:
    /// none today. An entry needs a reason beside it, and the test fails on an entry that no
    /// longer needs to be here.
    static let allowList: Set<String> = []

    /// The package root: this file is Tests/EndToEndTests/PublicDocumentationTests.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryPublicDeclarationHasADocComment() throws {
        let sources = Self.packageRoot.appendingPathComponent("Sources")
        let files = try Self.swiftFiles(under: sources)
        XCTAssertFalse(files.isEmpty, "no .swift files found under \(sources.path)")

        var declarations = 0
        var undocumented: [String] = []
        var allowListed: [String: Int] = [:]
        for file in files {
            let relative = String(file.path.dropFirst(Self.packageRoot.path.count + 1))
            let text = try String(contentsOf: file, encoding: .utf8)
            let scan = Self.scan(text)
            declarations += scan.declarations
            if Self.allowList.contains(relative) {
                allowListed[relative] = scan.undocumented.count
            } else {
                undocumented += scan.undocumented.map { "\(relative):\($0.line): \($0.text)" }
            }
        }

        // Guards against a scan that silently finds nothing (a moved file, a broken pattern).
        XCTAssertGreaterThan(declarations, 1000, "only \(declarations) public declarations found under \(sources.path)")
        XCTAssert(undocumented.isEmpty, """
            \(undocumented.count) public declaration(s) without a /// doc comment:
            \(undocumented.joined(separator: "\n"))
            """)
        let stale = Self.allowList.filter { (allowListed[$0] ?? 0) == 0 }.sorted()
        XCTAssert(stale.isEmpty, """
            fully documented (or missing) now, remove from PublicDocumentationTests.allowList: \
            \(stale.joined(separator: ", "))
            """)
    }

    /// A line that needs a doc comment.
    struct Finding: Equatable {
        /// 1-based line number.
        var line: Int
        /// The line, trimmed.
        var text: String
    }

    /// Scans one file: how many public declarations it has, and those without a doc comment.
    static func scan(_ text: String) -> (declarations: Int, undocumented: [Finding]) {
        let lines = text.components(separatedBy: "\n")
        var declarations = 0
        var undocumented: [Finding] = []
        // What each open brace belongs to: a public enum's body, or anything else.
        var scopes: [Bool] = []
        var nextBraceOpensPublicEnum = false
        var inMultilineString = false

        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            var isDeclaration = false
            if let keyword = publicDeclarationKeyword(line) {
                isDeclaration = true
                if keyword == "enum" { nextBraceOpensPublicEnum = true }
            } else if scopes.last == true, matches(enumCase, line) {
                isDeclaration = true
            }
            if isDeclaration && !inMultilineString {
                declarations += 1
                var previous = index - 1
                while previous >= 0, lines[previous].trimmingCharacters(in: .whitespaces).hasPrefix("@") { previous -= 1 }
                let comment = previous >= 0 ? lines[previous].trimmingCharacters(in: .whitespaces) : ""
                if !(comment.hasPrefix("///") || comment.hasSuffix("*/")) {
                    undocumented.append(Finding(line: index + 1, text: String(line.prefix(100))))
                }
            }

            // Braces outside string literals and comments, to know when a public enum's body is open.
            var code = Substring(line)
            if inMultilineString {
                guard let end = code.range(of: "\"\"\"") else { continue }
                inMultilineString = false
                code = code[end.upperBound...]
            }
            if code.components(separatedBy: "\"\"\"").count % 2 == 0 { inMultilineString = true }
            var stripped = replacing(stringLiteral, in: String(code), with: "")
            if let comment = stripped.range(of: "//") { stripped = String(stripped[..<comment.lowerBound]) }
            for character in stripped {
                if character == "{" {
                    scopes.append(nextBraceOpensPublicEnum)
                    nextBraceOpensPublicEnum = false
                } else if character == "}", !scopes.isEmpty {
                    scopes.removeLast()
                }
            }
        }
        return (declarations, undocumented)
    }

    /// The declaration keyword when `line` declares something public or open, else nil.
    static func publicDeclarationKeyword(_ line: String) -> String? {
        let range = NSRange(line.startIndex..., in: line)
        guard let match = declaration.firstMatch(in: line, range: range),
              let modifiers = Range(match.range(at: 1), in: line),
              let keyword = Range(match.range(at: 2), in: line),
              matches(publicModifier, String(line[modifiers])) else { return nil }
        return String(line[keyword])
    }

    static let modifiers = "public|open|static|final|override|mutating|nonmutating|nonisolated(?:\\(unsafe\\))?"
        + "|convenience|required|lazy|indirect|dynamic|weak|unowned|class|prefix|postfix|infix"
        + "|(?:private|fileprivate|internal|public)\\(set\\)"
    /// Attributes, then modifiers (group 1), then the declaration keyword (group 2).
    static let declaration = try! NSRegularExpression(
        pattern: "^(?:@\\w+(?:\\([^)]*\\))?\\s+)*((?:(?:\(modifiers))\\s+)+)"
            + "(func|var|let|init|subscript|struct|class|enum|protocol|typealias|actor)\\b")
    static let publicModifier = try! NSRegularExpression(pattern: "\\b(public|open)\\b")
    static let enumCase = try! NSRegularExpression(pattern: "^(indirect\\s+)?case\\b")
    static let stringLiteral = try! NSRegularExpression(pattern: "\"(\\\\.|[^\"\\\\])*\"")

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func replacing(_ regex: NSRegularExpression, in text: String, with template: String) -> String {
        regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    /// Every .swift file under `directory`, sorted by path.
    static func swiftFiles(under directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path])
        }
        return enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
            .map { $0.standardizedFileURL }
            .sorted { $0.path < $1.path }
    }

    /// The scanner itself: a missing comment is found, attributes and extensions are handled.
    func testScannerFindsMissingComments() {
        let source = """
            /// Documented.
            public struct A {
                public var undocumented: Int
                /// Documented through an attribute.
                @inlinable
                public func f() {}
                var internalOnly = 0
            }
            public extension A {}
            /// An enum.
            public enum E {
                /// Documented.
                case a
                case b
                var x: Int { switch self { case .a: 1; case .b: 2 } }
            }
            """
        let scan = Self.scan(source)
        XCTAssertEqual(scan.declarations, 6)
        XCTAssertEqual(scan.undocumented.map(\.line), [3, 14])
    }
}
