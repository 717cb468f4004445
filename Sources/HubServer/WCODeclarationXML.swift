import Foundation
import HubDrivers
import HubModel

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

    /// Builds the element tree (local names, namespaces dropped: a prefix declared or not, the name is
    /// what the table above matches).
    final class TreeBuilder: XMLSAXHandler {
        var stack: [Element] = []
        var root: Element?
        /// Each open element's text so far, as bytes (a piece may end inside a character).
        private var texts: [[UInt8]] = []

        func startElement(local: String, prefix: String?, namespace: String?, attributes: [String: String]) {
            let e = Element(name: local, attributes: attributes)
            stack.last?.children.append(e)
            if root == nil { root = e }
            stack.append(e)
            texts.append([])
        }

        func endElement() {
            stack.popLast()?.text = String(decoding: texts.popLast() ?? [], as: UTF8.self)
        }

        func text(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard !texts.isEmpty else { return }
            texts[texts.count - 1].append(contentsOf: bytes)
        }
    }

    /// The declarations in `data` as JSON documents, or why the XML itself cannot be read. One pass of
    /// libxml2 (`XMLSAXParser`: no DTD, no entities, no network).
    static func documents(_ data: Data) -> Result<[JSONValue], DeclarationDocument.Problem> {
        if let problem = XMLInputCheck.problem(data) { return .failure(.init(field: "", reason: "not readable XML: \(problem)")) }
        let builder = TreeBuilder()
        let report = XMLSAXParser.parse([UInt8](data), into: builder)
        if let fatal = report.fatal {
            return .failure(.init(field: "", reason: "not well-formed XML at \(fatal)"))
        }
        guard builder.stack.isEmpty, let root = builder.root else {
            let open = builder.stack.last.map { " inside <\($0.name)>" } ?? ""
            return .failure(.init(field: "", reason: "not well-formed XML: the document ends\(open)"))
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
