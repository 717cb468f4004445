import Foundation
import HubDrivers
import HubModel

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Declarations in WCO DEC-DMS style XML (a `Declarations` root holding `Declaration` elements, or
/// one `Declaration`), turned into the hub's JSON document so the one reader checks both:
///
/// | XML (under `Declaration`) | field |
/// |---|---|
/// | `ID` | number |
/// | `TypeCode` (`IM`, `EX`, `TR`, or the words) | type |
/// | `DeclarationOfficeID` | office |
/// | `IssueDateTime/DateTimeString` | issuedAt |
/// | `UCR/ID` | ucr |
/// | `Importer`, `Exporter` or `Declarant`: `ID`, `Name`; `AuthorisationHolder/CategoryCode` AEO…, `ComplianceLevel` | trader |
/// | `GoodsShipment/Consignment/TransportEquipment/ID`, its `Seal/ID` | containers, seals |
/// | `…/Consignment/BorderTransportMeans/ID` | plates |
/// | `GoodsShipment/GovernmentAgencyGoodsItem`: `Commodity/Classification/ID`, `Commodity/Description`, `GoodsMeasure/TariffQuantity` (`unitCode`) | goods |
/// | `RiskChannel` (green/yellow/red, the risk system's) | channel |
/// | `Transit`: `OriginOfficeID`, `DestinationOfficeID`, `RouteID`, `BufferMeasure`, `StartDateTime`, `EndDateTime` | transit |
enum WCODeclarationXML {
    /// A parsed element.
    final class Element {
        let name: String
        var attributes: [String: String]
        var text = ""
        var children: [Element] = []

        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }

        func child(_ path: String) -> Element? {
            var e: Element? = self
            for part in path.split(separator: "/") { e = e?.children.first { $0.name == part } }
            return e
        }

        func all(_ path: String) -> [Element] {
            let parts = path.split(separator: "/")
            var level = [self]
            for part in parts { level = level.flatMap { $0.children.filter { $0.name == part } } }
            return level
        }

        func value(_ path: String) -> String? {
            let t = child(path)?.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return t?.isEmpty == false ? t : nil
        }
    }

    /// Builds the element tree (local names, namespaces dropped).
    final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let local = String(name.split(separator: ":").last ?? Substring(name))
            let e = Element(name: local, attributes: attributes)
            stack.last?.children.append(e)
            if root == nil { root = e }
            stack.append(e)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    }

    /// The declarations in `data` as JSON documents, or why the XML itself cannot be read.
    static func documents(_ data: Data) -> Result<[JSONValue], DeclarationDocument.Problem> {
        if let problem = XMLInputCheck.problem(data) { return .failure(.init(field: "", reason: "not readable XML: \(problem)")) }
        let parser = XMLParser(data: data)
        let builder = TreeBuilder()
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), builder.stack.isEmpty, let root = builder.root else {
            if let open = builder.stack.last, parser.parserError == nil {
                return .failure(.init(field: "", reason: "not well-formed XML: the document ends inside <\(open.name)>"))
            }
            let where_ = parser.lineNumber > 0 ? " at line \(parser.lineNumber)" : ""
            return .failure(.init(field: "", reason: "not well-formed XML\(where_): \(parser.parserError.map { "\($0)" } ?? "")"))
        }
        let declarations = root.name == "Declaration" ? [root] : root.all("Declaration")
        guard !declarations.isEmpty else {
            return .failure(.init(field: "", reason: "expected Declaration elements under \(root.name)"))
        }
        return .success(declarations.map(document))
    }

    static func document(_ d: Element) -> JSONValue {
        var o: [String: JSONValue] = [:]
        func put(_ key: String, _ v: String?) { if let v { o[key] = .string(v) } }
        put("number", d.value("ID"))
        put("type", d.value("TypeCode").map { ["IM": "import", "EX": "export", "TR": "transit"][$0.uppercased()] ?? $0.lowercased() })
        put("office", d.value("DeclarationOfficeID"))
        put("issuedAt", d.value("IssueDateTime/DateTimeString") ?? d.value("IssueDateTime"))
        put("ucr", d.value("UCR/ID"))
        put("channel", d.value("RiskChannel")?.lowercased())
        if let party = d.child("Importer") ?? d.child("Exporter") ?? d.child("Declarant") {
            var t: [String: JSONValue] = [:]
            if let id = party.value("ID") { t["tin"] = .string(id) }
            if let name = party.value("Name") { t["name"] = .string(name) }
            let categories = d.all("AuthorisationHolder").compactMap { $0.value("CategoryCode") }
            t["aeo"] = .bool(categories.contains { $0.uppercased().hasPrefix("AEO") })
            if let level = d.value("ComplianceLevel") { t["complianceLevel"] = .string(level.lowercased()) }
            o["trader"] = .object(t)
        }
        let consignment = d.child("GoodsShipment/Consignment")
        let equipment = consignment?.all("TransportEquipment") ?? []
        o["containers"] = .array(equipment.compactMap { $0.value("ID") }.map { .string($0) })
        o["seals"] = .array(equipment.flatMap { $0.all("Seal") }.compactMap { $0.value("ID") }.map { .string($0) })
        o["plates"] = .array((consignment?.all("BorderTransportMeans") ?? []).compactMap { $0.value("ID") }.map { .string($0) })
        o["goods"] = .array(d.all("GoodsShipment/GovernmentAgencyGoodsItem").map { item in
            var g: [String: JSONValue] = [:]
            if let hs = item.value("Commodity/Classification/ID") { g["hsCode"] = .string(hs) }
            if let desc = item.value("Commodity/Description") { g["description"] = .string(desc) }
            if let q = item.child("GoodsMeasure/TariffQuantity") {
                if let n = Double(q.text.trimmingCharacters(in: .whitespacesAndNewlines)) { g["quantity"] = .double(n) }
                if let unit = q.attributes["unitCode"] { g["unit"] = .string(unit) }
            }
            return .object(g)
        })
        if let t = d.child("Transit") {
            var tr: [String: JSONValue] = [:]
            if let v = t.value("OriginOfficeID") { tr["origin"] = .string(v) }
            if let v = t.value("DestinationOfficeID") { tr["destination"] = .string(v) }
            if let v = t.value("RouteID") { tr["route"] = .string(v) }
            if let v = t.value("BufferMeasure").flatMap(Double.init) { tr["bufferM"] = .double(v) }
            if let v = t.value("StartDateTime") { tr["start"] = .string(v) }
            if let v = t.value("EndDateTime") { tr["end"] = .string(v) }
            o["transit"] = .object(tr)
        }
        return .object(o)
    }
}
