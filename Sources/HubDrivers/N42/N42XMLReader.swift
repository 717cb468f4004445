import Foundation

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

/// Reads an N42 document in one pass of libxml2 (`XMLSAXParser`), handing over each top-level part
/// (a measurement, an instrument description, a calibration …) as it closes, so a long file is never
/// held as one tree. Elements of other namespaces (vendor extensions) are skipped whole.
///
/// Real instruments write imperfect XML, and one pass reads it as well as it can: a prefix used
/// without a declaration is read as a namespace of its own (`urn:niihub:undeclared:<prefix>`), so
/// an extension under it is still skipped; other namespace errors are read past; a document that
/// breaks off keeps the parts that closed before the break. Each is named in `warnings`.
struct N42XMLReader {
    /// How the reading went.
    struct Outcome {
        var root: N42Element?
        var parts: [N42Element] = []
        /// Why the document is not well-formed XML ("line N: …"), nil when it is.
        var error: String?
        /// What was read past.
        var warnings: [String] = []
    }

    static func read(_ bytes: [UInt8]) -> Outcome {
        // On a stream each document after the first starts with the line end that followed the one
        // before; an XML declaration is allowed only at the very start, so that whitespace goes.
        let lead = bytes.prefix { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
        let lines = lead.count(where: { $0 == 10 })
        let bytes = lead.isEmpty ? bytes : Array(bytes[lead.count...])
        if let problem = XMLInputCheck.problem(Data(bytes)) { return Outcome(error: "line \(1 + lines): \(problem)") }
        let handler = Handler()
        let report = XMLSAXParser.parse(bytes, into: handler)
        var outcome = Outcome(root: handler.root, parts: handler.parts)
        if var fatal = report.fatal {
            fatal.line += lines
            outcome.error = "\(fatal)"
        } else if !handler.closedRoot {
            outcome.error = "document ends early"
        }
        if outcome.error == nil {
            if !report.undeclaredPrefixes.isEmpty {
                let list = report.undeclaredPrefixes.joined(separator: ", ")
                outcome.warnings.append("undeclared namespace prefix \(list) (declared by the reader)")
            }
            if let first = report.namespaceErrors.first {
                outcome.warnings.append("namespace errors read past (\(first))")
            }
        }
        return outcome
    }

    private final class Handler: XMLSAXHandler {
        var root: N42Element?
        var rootNamespace: String?
        var parts: [N42Element] = []
        var stack: [N42Element] = []
        /// The open element's text, as bytes until it closes, and its ancestors' so far.
        var pending: [UInt8] = []
        var pendingAbove: [[UInt8]] = []
        /// Depth inside a skipped (foreign) subtree; 0 when reading.
        var skipping = 0
        var depth = 0
        /// Depth whose elements are top-level parts: 2 (the root's children), or 3 inside an `Event` wrapper.
        var partDepth = 2
        var closedRoot = false

        func startElement(local: String, prefix: String?, namespace: String?, attributes: [String: String]) {
            depth += 1
            if skipping > 0 {
                skipping += 1
                return
            }
            // An undeclared prefix names a namespace of its own, as if the reader had declared it.
            let ns = namespace ?? prefix.map { "urn:niihub:undeclared:\($0)" } ?? ""
            if depth == 1 {
                rootNamespace = ns
                root = N42Element(name: local, attributes: attributes)
                return
            }
            // A vendor's extension (another namespace) is not N42 and may reuse N42 names.
            if ns != rootNamespace {
                skipping = 1
                return
            }
            if depth == 2, local == "Event" {
                partDepth = 3
                return
            }
            if depth < partDepth { return }
            let e = N42Element(name: local, attributes: attributes)
            stack.last?.children.append(e)
            stack.append(e)
            pendingAbove.append(pending)
            pending = []
        }

        func endElement() {
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
            e.text = String(decoding: pending, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            pending = pendingAbove.popLast() ?? []
            if stack.isEmpty { parts.append(e) }
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard skipping == 0, !stack.isEmpty else { return }
            pending.append(contentsOf: bytes)
        }
    }
}
