import CLibXML2
import Foundation

/// What one SAX pass over an XML document reports to its reader, in document order.
public protocol XMLSAXHandler: AnyObject {
    /// An element opens. `prefix` is as written; `namespace` is the URI it is bound to, nil when the
    /// element has no namespace or its prefix was never declared. Attributes are keyed by qualified
    /// name (`p:name` or `name`); namespace declarations are not among them.
    func startElement(local: String, prefix: String?, namespace: String?, attributes: [String: String])
    /// The element opened last closes.
    func endElement()
    /// Character data (text or CDATA) of the element open now, in pieces of any size.
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// How a pass went: whether the document is well-formed XML and what namespace errors were read past.
public struct XMLParseReport: Sendable, Equatable {
    /// Where and why the document stopped being XML.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The error that ended the pass (the document is not well-formed, or a limit was reached);
    /// the handler has seen everything before it.
    public var fatal: Problem?
    /// Prefixes used on elements or attributes without a declaration, in order of first use.
    public var undeclaredPrefixes: [String] = []
    /// Other namespace errors (libxml2 reads past them, names keep their prefix).
    public var namespaceErrors: [Problem] = []

    public init(fatal: Problem? = nil, undeclaredPrefixes: [String] = [], namespaceErrors: [Problem] = []) {
        self.fatal = fatal
        self.undeclaredPrefixes = undeclaredPrefixes
        self.namespaceErrors = namespaceErrors
    }
}

/// libxml2's SAX2 parser, called directly: one pass, no tree, nothing kept once the pass returns.
///
/// Hostile documents get nothing from it: no network (`XML_PARSE_NONET`), no entity is ever
/// substituted or loaded (no `XML_PARSE_NOENT`, no DTD loading), and a document type declaration
/// is refused outright, so neither an external entity (XXE) nor an entity bomb can be declared.
/// Only the five predefined entities and character references are read. Nesting deeper than
/// `maxDepth` and documents over `maxBytes` stop the pass with a fatal problem; libxml2's own limits
/// (names of 50,000 bytes, no `XML_PARSE_HUGE`) stay on.
///
/// FoundationXML's `XMLParser` is not used: on Linux it leaks about 5 KiB per malformed document
/// and traps on names that are not UTF-8.
public enum XMLSAXParser {
    /// Bounds on what one pass reads.
    public struct Limits: Sendable {
        /// The deepest element nesting accepted (N42 and WCO documents nest about ten deep).
        public var maxDepth = 64
        /// The largest document accepted.
        public var maxBytes = 64 << 20

        public init(maxDepth: Int = 64, maxBytes: Int = 64 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
    }

    /// Reads `bytes` once, reporting elements and text to `handler` as they come.
    public static func parse(_ bytes: [UInt8], into handler: any XMLSAXHandler, limits: Limits = Limits()) -> XMLParseReport {
        _ = initialized
        guard bytes.count <= min(limits.maxBytes, Int(Int32.max)) else {
            return XMLParseReport(fatal: .init(line: 1, message: "document larger than \(limits.maxBytes) bytes"))
        }
        guard !bytes.isEmpty else { return XMLParseReport(fatal: .init(line: 1, message: "empty document")) }
        let pass = Pass(handler: handler, limits: limits)
        let context = Unmanaged.passUnretained(pass).toOpaque()
        let parsed: Void? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                guard let ctxt = xmlCreateMemoryParserCtxt(chars, Int32(buffer.count)) else { return nil }
                defer {
                    // A document that declared entities in SAX mode leaves libxml2's scratch document behind.
                    if let doc = ctxt.pointee.myDoc {
                        xmlFreeDoc(doc)
                        ctxt.pointee.myDoc = nil
                    }
                    xmlFreeParserCtxt(ctxt)
                }
                // The context owns a SAX handler block it frees itself: ours is copied into it.
                ctxt.pointee.sax.pointee = makeHandlerBlock()
                ctxt.pointee.userData = context
                _ = xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue))
                pass.ctxt = ctxt
                _ = xmlParseDocument(ctxt)
                pass.ctxt = nil
                if pass.report.fatal == nil, ctxt.pointee.wellFormed == 0 || pass.firstError != nil {
                    pass.report.fatal = pass.firstError ?? .init(line: Int(ctxt.pointee.input?.pointee.line ?? 0), message: "not well-formed")
                }
                return ()
            }
        }
        // libxml2 keeps a copy of the last error per thread; it is not needed past this pass.
        xmlResetLastError()
        withExtendedLifetime(pass) {}
        guard parsed != nil else { return XMLParseReport(fatal: .init(line: 1, message: "libxml2 could not start a parser")) }
        return pass.report
    }

    /// libxml2 must be set up once before threads use it.
    private static let initialized: Void = xmlInitParser()

    /// The state of one pass, reached from libxml2's callbacks through the context's user data.
    private final class Pass {
        let handler: any XMLSAXHandler
        let limits: Limits
        var report = XMLParseReport()
        var firstError: XMLParseReport.Problem?
        var depth = 0
        var ctxt: xmlParserCtxtPtr?

        init(handler: any XMLSAXHandler, limits: Limits) {
            self.handler = handler
            self.limits = limits
        }

        static func from(_ context: UnsafeMutableRawPointer?) -> Pass {
            Unmanaged<Pass>.fromOpaque(context!).takeUnretainedValue()
        }

        /// Ends the pass with `message` as its fatal problem.
        func stop(_ message: String) {
            if report.fatal == nil {
                report.fatal = .init(line: Int(xmlSAX2GetLineNumber(ctxt)), message: message)
            }
            xmlStopParser(ctxt)
        }
    }

    /// The callbacks: elements, text, errors; a DTD stops the pass; entities are never resolved.
    private static func makeHandlerBlock() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = 0xDEED_BEAF  // XML_SAX2_MAGIC: namespace-aware SAX2 callbacks
        sax.startElementNs = { context, localname, prefix, uri, _, _, attributeCount, _, attributes in
            let pass = Pass.from(context)
            pass.depth += 1
            if pass.depth > pass.limits.maxDepth {
                pass.stop("elements nested deeper than \(pass.limits.maxDepth)")
                return
            }
            var attrs: [String: String] = [:]
            if let attributes, attributeCount > 0 {
                // Five pointers per attribute: local name, prefix, URI, value start, value end.
                for i in 0..<Int(attributeCount) {
                    guard let local = attributes[i * 5], let start = attributes[i * 5 + 3], let end = attributes[i * 5 + 4] else {
                        continue
                    }
                    let name = String(cString: local)
                    let key = optionalString(attributes[i * 5 + 1]).map { $0 + ":" + name } ?? name
                    attrs[key] = String(decoding: UnsafeBufferPointer(start: start, count: start.distance(to: end)), as: UTF8.self)
                }
            }
            pass.handler.startElement(
                local: localname.map { String(cString: $0) } ?? "", prefix: optionalString(prefix), namespace: optionalString(uri),
                attributes: attrs)
        }
        sax.endElementNs = { context, _, _, _ in
            let pass = Pass.from(context)
            pass.depth -= 1
            pass.handler.endElement()
        }
        let text: charactersSAXFunc = { context, chars, count in
            guard let chars, count > 0 else { return }
            Pass.from(context).handler.text(UnsafeBufferPointer(start: chars, count: Int(count)))
        }
        sax.characters = text
        sax.cdataBlock = text
        // Whitespace is text like any other; readers trim what they do not want.
        sax.ignorableWhitespace = text
        sax.getEntity = { _, _ in nil }
        sax.internalSubset = { context, _, _, _ in
            Pass.from(context).stop("a document type declaration (DTD) is not accepted")
        }
        sax.serror = { context, error in
            guard let context, let error else { return }
            let pass = Pass.from(context)
            let e = error.pointee
            guard e.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let message = (e.message.map { String(cString: $0) } ?? "error \(e.code)")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let problem = XMLParseReport.Problem(line: Int(e.line), message: message)
            if e.domain == Int32(XML_FROM_NAMESPACE.rawValue) {
                if e.code == Int32(XML_NS_ERR_UNDEFINED_NAMESPACE.rawValue), let prefix = e.str1.map({ String(cString: $0) }) {
                    if !pass.report.undeclaredPrefixes.contains(prefix) { pass.report.undeclaredPrefixes.append(prefix) }
                } else {
                    pass.report.namespaceErrors.append(problem)
                }
                return
            }
            // The document is not well-formed from here on: nothing after the first error is reported.
            if pass.firstError == nil { pass.firstError = problem }
            xmlStopParser(pass.ctxt)
        }
        return sax
    }
}

/// A C string from libxml2 as Swift text (bytes that are not UTF-8 become U+FFFD), or nil.
private func optionalString(_ p: UnsafePointer<xmlChar>?) -> String? {
    p.map { String(cString: $0) }
}
