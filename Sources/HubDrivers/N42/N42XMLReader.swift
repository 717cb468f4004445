import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// An element of an N42 document, as far as the hub reads it: local name, attributes, trimmed text
/// and child elements.
/// A class so that the SAX handler can append to an element it has already linked to its parent;
/// built by one parse and only read afterwards, never shared across threads.
final class N42Element {
    let name: String
    let attributes: [String: String]
    fileprivate(set) var text: String = ""
    fileprivate(set) var children: [N42Element] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The first child called `name`.
    func child(_ name: String) -> N42Element? { children.first { $0.name == name } }

    /// Children called `name`.
    func all(_ name: String) -> [N42Element] { children.filter { $0.name == name } }

    /// The trimmed text of the first child called `name`, when it has any.
    func value(_ name: String) -> String? {
        guard let t = child(name)?.text, !t.isEmpty else { return nil }
        return t
    }

    /// Every descendant called `name`, depth first.
    func descendants(_ name: String) -> [N42Element] {
        var out: [N42Element] = []
        for c in children {
            if c.name == name { out.append(c) }
            out += c.descendants(name)
        }
        return out
    }

    /// An attribute by local name, whatever prefix the writer gave it.
    func attribute(_ local: String) -> String? {
        if let v = attributes[local] { return v }
        return attributes.first { $0.key.hasSuffix(":" + local) }?.value
    }
}

/// Reads an N42 document with FoundationXML's streaming `XMLParser`, handing over each top-level
/// part (a measurement, an instrument description, a calibration …) as it closes, so a long file
/// is never held as one tree. Elements of other namespaces (vendor extensions) are skipped whole.
struct N42XMLReader {
    /// How a reading attempt went.
    struct Outcome {
        var root: N42Element?
        var parts: [N42Element] = []
        var error: String?
    }

    /// Reads `data`. With `namespaces` off, names are matched by prefix instead of namespace URI.
    static func read(_ data: Data, namespaces: Bool) -> Outcome {
        if let problem = XMLInputCheck.problem(data) { return Outcome(error: "line 1: \(problem)") }
        let handler = Handler(namespaces: namespaces)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = namespaces
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = handler
        let ok = parser.parse()
        var outcome = Outcome(root: handler.root, parts: handler.parts)
        if !ok || handler.error != nil || !handler.closedRoot {
            let e = parser.parserError.map { "\($0.localizedDescription)" } ?? handler.error ?? "document ends early"
            outcome.error = "line \(parser.lineNumber): \(e)"
        }
        return outcome
    }

    /// Prefixes used on elements or attributes but never declared (`xmlns:p=`), in order of use.
    static func undeclaredPrefixes(_ bytes: [UInt8]) -> [String] {
        var used: [String] = []
        var declared: Set<String> = ["xml", "xmlns"]
        var i = 0
        let n = bytes.count
        func isName(_ c: UInt8) -> Bool {
            (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c) || c == 95 || c == 45 || c == 46
        }
        while i < n {
            let c = bytes[i]
            // `<p:` or `</p:` opens a prefixed element; ` p:` inside a tag a prefixed attribute.
            if c == 60 || c == 32 || c == 9 || c == 10 || c == 13 {
                var j = i + 1
                if c == 60, j < n, bytes[j] == 47 { j += 1 }
                let start = j
                while j < n, isName(bytes[j]), j - start < 64 { j += 1 }
                if j > start, j < n, bytes[j] == 58 {
                    let prefix = String(decoding: bytes[start..<j], as: UTF8.self)
                    if prefix == "xmlns" {
                        var k = j + 1
                        let s = k
                        while k < n, isName(bytes[k]), k - s < 64 { k += 1 }
                        if k > s { declared.insert(String(decoding: bytes[s..<k], as: UTF8.self)) }
                    } else if c == 60 || isInsideTag(bytes, i) {
                        if !used.contains(prefix) { used.append(prefix) }
                    }
                }
            }
            i += 1
        }
        return used.filter { !declared.contains($0) }
    }

    /// Whether position `i` lies inside a start tag (between `<` and `>`), looking back a little.
    private static func isInsideTag(_ bytes: [UInt8], _ i: Int) -> Bool {
        var j = i
        while j > 0, i - j < 4096 {
            j -= 1
            if bytes[j] == 62 { return false }
            if bytes[j] == 60 { return true }
        }
        return false
    }

    /// The document with `prefixes` declared on its root element (as `urn:niihub:undeclared:<p>`),
    /// so a namespace-aware reader accepts it; nil when there is no root start tag to put them on.
    static func declaring(_ prefixes: [String], in bytes: [UInt8]) -> [UInt8]? {
        var i = 0
        while i + 1 < bytes.count {
            // The root is the first `<` followed by a name character (not `?`, `!`).
            if bytes[i] == 60, bytes[i + 1] != 63, bytes[i + 1] != 33, bytes[i + 1] != 47 {
                var j = i + 1
                while j < bytes.count, bytes[j] != 32, bytes[j] != 62, bytes[j] != 47, bytes[j] != 9, bytes[j] != 10,
                    bytes[j] != 13
                {
                    j += 1
                }
                guard j < bytes.count else { return nil }
                let decl = prefixes.map { " xmlns:\($0)=\"urn:niihub:undeclared:\($0)\"" }.joined()
                return Array(bytes[..<j]) + Array(decl.utf8) + Array(bytes[j...])
            }
            i += 1
        }
        return nil
    }

    private final class Handler: NSObject, XMLParserDelegate {
        let namespaces: Bool
        var root: N42Element?
        var rootNamespace: String?
        var rootPrefix: String?
        var parts: [N42Element] = []
        var stack: [N42Element] = []
        /// Depth inside a skipped (foreign) subtree; 0 when reading.
        var skipping = 0
        var depth = 0
        /// Depth whose elements are top-level parts: 2 (the root's children), or 3 inside an `Event` wrapper.
        var partDepth = 2
        var closedRoot = false
        var error: String?

        init(namespaces: Bool) { self.namespaces = namespaces }

        private static func split(_ qualified: String) -> (prefix: String?, local: String) {
            guard let colon = qualified.firstIndex(of: ":") else { return (nil, qualified) }
            return (String(qualified[..<colon]), String(qualified[qualified.index(after: colon)...]))
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            depth += 1
            if skipping > 0 {
                skipping += 1
                return
            }
            let (prefix, local) = Self.split(qualifiedName ?? elementName)
            let name = namespaces ? Self.split(elementName).local : local
            if depth == 1 {
                rootNamespace = namespaceURI ?? ""
                rootPrefix = prefix
                root = N42Element(name: name, attributes: attributes)
                return
            }
            // A vendor's extension (another namespace) is not N42 and may reuse N42 names.
            let foreign = namespaces ? (namespaceURI ?? "") != rootNamespace : prefix != rootPrefix
            if foreign {
                skipping = 1
                return
            }
            if depth == 2, name == "Event" {
                partDepth = 3
                return
            }
            if depth < partDepth { return }
            let e = N42Element(name: name, attributes: attributes)
            stack.last?.children.append(e)
            stack.append(e)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            defer { depth -= 1 }
            if skipping > 0 {
                skipping -= 1
                return
            }
            if depth == 1 {
                closedRoot = true
                return
            }
            if depth == 2, partDepth == 3 {
                partDepth = 2
                return
            }
            guard depth >= partDepth, let e = stack.popLast() else { return }
            e.text = e.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if stack.isEmpty { parts.append(e) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard skipping == 0, let e = stack.last else { return }
            e.text += string
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if error == nil { error = "\(parseError.localizedDescription)" }
        }
    }
}
