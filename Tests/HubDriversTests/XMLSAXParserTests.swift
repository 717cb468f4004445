import Foundation
import HubDrivers
import HubTesting
import Testing

/// libxml2's SAX pass as the N42 and WCO readers use it: what it reports, and what a hostile
/// document gets from it (nothing from outside the document, no expansion, bounded depth).
@Suite(.timeLimit(.minutes(3)))
struct XMLSAXParserTests {
    /// Records every callback as text, in order.
    final class Recorder: XMLSAXHandler {
        var log: [String] = []
        var texts: [UInt8] = []

        func startElement(local: String, prefix: String?, namespace: String?, attributes: [String: String]) {
            flush()
            let attrs = attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            log.append("<\(prefix.map { $0 + ":" } ?? "")\(local) ns=\(namespace ?? "-") [\(attrs)]")
        }

        func endElement() {
            flush()
            log.append(">")
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>) { texts += bytes }

        func flush() {
            let t = String(decoding: texts, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { log.append("'\(t)'") }
            texts = []
        }
    }

    static func parse(_ xml: String, limits: XMLSAXParser.Limits = .init()) -> (XMLParseReport, [String]) {
        let r = Recorder()
        let report = XMLSAXParser.parse(Array(xml.utf8), into: r, limits: limits)
        r.flush()
        return (report, r.log)
    }

    @Test func elementsAttributesTextCDATAAndReferences() {
        let (report, log) = Self.parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <r xmlns="urn:a" xmlns:v="urn:v" id="1" v:unit="kg"><v:x>a &amp; b &#65;<![CDATA[<raw>]]></v:x><y/></r>
            """)
        #expect(report == XMLParseReport())
        #expect(log == ["<r ns=urn:a [id=1,v:unit=kg]", "<v:x ns=urn:v []", "'a & b A<raw>'", ">", "<y ns=urn:a []", ">", ">"])
    }

    @Test func anUndeclaredPrefixIsReportedAndReadPast() {
        let (report, log) = Self.parse(#"<r xmlns="urn:a"><DHS:x DHS:k="1">t</DHS:x><y/></r>"#)
        #expect(report.fatal == nil)
        #expect(report.undeclaredPrefixes == ["DHS"])
        #expect(log == ["<r ns=urn:a []", "<DHS:x ns=- [DHS:k=1]", "'t'", ">", "<y ns=urn:a []", ">", ">"])
    }

    @Test func aBrokenDocumentStopsAtItsFirstErrorWithTheLine() {
        let (report, log) = Self.parse("<r>\n<a>1</a>\n<b>2</c>\n<d/></r>")
        #expect(report.fatal?.line == 3)
        #expect(report.fatal?.message.contains("mismatch") == true, "\(String(describing: report.fatal))")
        #expect(log.prefix(4) == ["<r ns=- []", "<a ns=- []", "'1'", ">"])
        #expect(!log.contains("<d ns=- []"), "nothing after the break is reported")
        let (cut, _) = Self.parse("<r><a>")
        #expect(cut.fatal != nil)
        #expect(Self.parse("").0.fatal?.message == "empty document")
        #expect(Self.parse("not xml").0.fatal != nil)
    }

    /// XXE: an external entity naming a local file. The DTD is refused before any entity is declared.
    @Test func externalEntitiesAreNeverLoaded() throws {
        let dir = try TemporaryDirectory("xxe")
        let secret = try dir.write("secret.txt", "the content of a local file")
        let (report, log) = Self.parse("""
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file://\(secret)">]>
            <r>&x;</r>
            """)
        #expect(report.fatal?.message == "a document type declaration (DTD) is not accepted")
        #expect(!log.joined().contains("local file"))
        // An entity reference with no DTD at all is an error, not a lookup.
        let (bare, bareLog) = Self.parse("<r>a&x;b</r>")
        #expect(bare.fatal?.message.contains("Entity 'x' not defined") == true, "\(String(describing: bare.fatal))")
        #expect(!bareLog.contains("'ab'"))
    }

    /// The billion laughs: refused at its DOCTYPE, before any expansion.
    @Test func entityBombsAreRefusedAtTheirDeclaration() {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for i in 1...9 { xml += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i == 1 ? "" : String(i - 1));", count: 10) + "\">\n" }
        xml += "]>\n<lolz>&lol9;</lolz>"
        let (report, log) = Self.parse(xml)
        #expect(report.fatal?.message == "a document type declaration (DTD) is not accepted")
        #expect(log.isEmpty)
    }

    @Test func nestingDeeperThanTheLimitStopsThePass() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        let (report, log) = Self.parse(deep, limits: .init(maxDepth: 64))
        #expect(report.fatal?.message == "elements nested deeper than 64")
        #expect(log.count == 64)
        #expect(Self.parse(deep, limits: .init(maxDepth: 100)).0.fatal == nil)
        let (big, _) = Self.parse("<r>" + String(repeating: "x", count: 2000) + "</r>", limits: .init(maxBytes: 1000))
        #expect(big.fatal?.message == "document larger than 1000 bytes")
    }
}
