import Foundation

/// Reads a declaration from its JSON document, checking every field and collecting every problem,
/// so a sender learns all that is wrong at once. Pure: nothing is stored unless this succeeds.
public enum DeclarationDocument {
    /// One field that is wrong, and why.
    public struct Problem: Sendable, Equatable, Codable, Error {
        public var field: String
        public var reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    /// Every problem found in one document.
    public struct Problems: Error, Sendable, Equatable {
        public var problems: [Problem]
    }

    public static func parse(_ data: Data) -> Result<Declaration, Problems> {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .failure(Problems(problems: [Problem(field: "", reason: "not a JSON document")]))
        }
        return parse(value)
    }

    public static func parse(_ value: JSONValue) -> Result<Declaration, Problems> {
        guard case .object(let o) = value else {
            return .failure(Problems(problems: [Problem(field: "", reason: "expected a JSON object")]))
        }
        var r = Reader(object: o, path: "")
        let number = r.string("number", pattern: "^[A-Za-z0-9/-]{4,40}$", words: "4 to 40 letters, digits, / or -")
        let ucr = r.optionalString("ucr", maxLength: 70)
        let type = r.choice("type", Declaration.Kind.self)
        let office = r.string("office", pattern: "^[A-Za-z0-9]{2,17}$", words: "a customs office code")
        let site = r.optionalString("site", maxLength: 64)
        let trader = r.object("trader") { (t: inout Reader) -> Declaration.Trader in
            let tin = t.string("tin", pattern: "^[A-Za-z0-9-]{5,20}$", words: "a tax identification number") ?? ""
            let name = t.optionalString("name", maxLength: 200)
            let aeo = t.optionalBool("aeo") ?? false
            let level = t.optionalChoice("complianceLevel", ["high", "medium", "low"])
            t.rejectUnknown(["tin", "name", "aeo", "complianceLevel"])
            return Declaration.Trader(tin: tin, name: name, aeo: aeo, complianceLevel: level)
        }
        let containers = r.list("containers") { (item: JSONValue, at: inout Reader.Item) -> String? in
            guard case .string(let s) = item else { return at.fail("expected a container number") }
            switch ContainerNumber.parse(s) {
            case .success(let n): return n.value
            case .failure(let problem): return at.fail("not an ISO 6346 container number (\(problem.rawValue)): '\(s)'")
            }
        }
        let seals = r.list("seals") { (item: JSONValue, at: inout Reader.Item) -> String? in
            guard case .string(let s) = item, !s.trimmingCharacters(in: .whitespaces).isEmpty, s.count <= 40 else {
                return at.fail("expected a seal number of 1 to 40 characters")
            }
            return s.trimmingCharacters(in: .whitespaces).uppercased()
        }
        let plates = r.list("plates") { (item: JSONValue, at: inout Reader.Item) -> String? in
            guard case .string(let s) = item else { return at.fail("expected a vehicle plate") }
            let p = Declaration.normalizePlate(s)
            guard (2...15).contains(p.count) else { return at.fail("expected a vehicle plate of 2 to 15 letters and digits") }
            return p
        }
        let goods = r.list("goods") { (item: JSONValue, at: inout Reader.Item) -> Declaration.GoodsLine? in
            guard case .object(let g) = item else { return at.fail("expected an object") }
            var gr = Reader(object: g, path: at.path)
            let hs = gr.string("hsCode", pattern: "^[0-9]{6,10}$", words: "an HS code of 6 to 10 digits") ?? ""
            let description = gr.optionalString("description", maxLength: 512)
            let quantity = gr.optionalNumber("quantity", min: 0)
            let unit = gr.optionalString("unit", maxLength: 16)
            gr.rejectUnknown(["hsCode", "description", "quantity", "unit"])
            at.problems += gr.problems
            return Declaration.GoodsLine(hsCode: hs, description: description, quantity: quantity, unit: unit)
        }
        let channel = r.choice("channel", Declaration.Channel.self)
        let issuedAt = r.optionalTime("issuedAt")
        var transit: Declaration.Transit?
        if type == .transit || o["transit"] != nil {
            transit = r.object("transit") { (t: inout Reader) -> Declaration.Transit in
                let corridor = t.optionalCorridor("corridor")
                let route = t.optionalString("route", maxLength: 64)
                if corridor == nil, route == nil {
                    t.problems.append(Problem(field: t.field("corridor"), reason: "a transit needs 'corridor' (points) or 'route' (a named route)"))
                }
                let start = t.time("start")
                let end = t.time("end")
                if let s = start, let e = end, e <= s {
                    t.problems.append(Problem(field: t.field("end"), reason: "must be after start"))
                }
                let origin = t.string("origin", pattern: "^[A-Za-z0-9]{2,17}$", words: "a customs office code") ?? ""
                let destination = t.string("destination", pattern: "^[A-Za-z0-9]{2,17}$", words: "a customs office code") ?? ""
                let buffer = t.optionalNumber("bufferM", min: 1)
                t.rejectUnknown(["origin", "destination", "corridor", "route", "bufferM", "start", "end"])
                return Declaration.Transit(
                    origin: origin, destination: destination, corridor: corridor, route: route, bufferM: buffer,
                    start: start ?? .distantPast, end: end ?? .distantPast)
            }
        }
        r.rejectUnknown([
            "number", "ucr", "type", "office", "site", "trader", "containers", "seals", "plates", "goods", "channel",
            "transit", "issuedAt",
        ])
        guard r.problems.isEmpty, let number, let type, let office, let trader, let channel else {
            return .failure(Problems(problems: r.problems))
        }
        return .success(
            Declaration(
                number: number, ucr: ucr, type: type, office: office, site: site, trader: trader,
                containers: containers ?? [], seals: seals ?? [], plates: plates ?? [], goods: goods ?? [],
                channel: channel, transit: transit, issuedAt: issuedAt, version: 0, status: .active, cancelReason: nil,
                receivedAt: nil))
    }
}

/// Walks one JSON object, noting a `Problem` for each field that is missing or wrong.
struct Reader {
    let object: [String: JSONValue]
    let path: String
    var problems: [DeclarationDocument.Problem] = []

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func fail<T>(_ key: String, _ reason: String) -> T? {
        problems.append(.init(field: field(key), reason: reason))
        return nil
    }

    mutating func string(_ key: String, pattern: String, words: String) -> String? {
        guard let v = object[key] else { return fail(key, "required") }
        guard case .string(let s) = v, s.range(of: pattern, options: .regularExpression) != nil else {
            return fail(key, "expected \(words)")
        }
        return s
    }

    mutating func optionalString(_ key: String, maxLength: Int) -> String? {
        guard let v = object[key], v != .null else { return nil }
        guard case .string(let s) = v, !s.isEmpty, s.count <= maxLength else {
            return fail(key, "expected text of 1 to \(maxLength) characters")
        }
        return s
    }

    mutating func optionalBool(_ key: String) -> Bool? {
        guard let v = object[key], v != .null else { return nil }
        guard case .bool(let b) = v else { return fail(key, "expected true or false") }
        return b
    }

    mutating func optionalNumber(_ key: String, min: Double) -> Double? {
        guard let v = object[key], v != .null else { return nil }
        guard let d = v.doubleValue, d >= min else { return fail(key, "expected a number of at least \(min)") }
        return d
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) -> T? where T.RawValue == String {
        guard let v = object[key] else { return fail(key, "required") }
        guard case .string(let s) = v, let c = T(rawValue: s) else {
            return fail(key, "expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return c
    }

    mutating func optionalChoice(_ key: String, _ allowed: [String]) -> String? {
        guard let v = object[key], v != .null else { return nil }
        guard case .string(let s) = v, allowed.contains(s) else {
            return fail(key, "expected one of: \(allowed.joined(separator: ", "))")
        }
        return s
    }

    mutating func time(_ key: String) -> Date? {
        guard object[key] != nil else { return fail(key, "required") }
        return optionalTime(key)
    }

    mutating func optionalTime(_ key: String) -> Date? {
        guard let v = object[key], v != .null else { return nil }
        guard case .string(let s) = v, let d = Timestamp.parse(s) else {
            return fail(key, "expected an RFC 3339 time like 2026-01-31T08:00:00Z")
        }
        return d
    }

    mutating func optionalCorridor(_ key: String) -> [[Double]]? {
        guard let v = object[key], v != .null else { return nil }
        guard case .array(let points) = v, points.count >= 2 else {
            return fail(key, "expected at least two [lat, lon] points")
        }
        var out: [[Double]] = []
        for (i, p) in points.enumerated() {
            guard case .array(let ll) = p, ll.count == 2, let lat = ll[0].doubleValue, let lon = ll[1].doubleValue,
                (-90...90).contains(lat), (-180...180).contains(lon)
            else { return fail("\(key)[\(i)]", "expected [lat, lon] in degrees") }
            out.append([lat, lon])
        }
        return out
    }

    mutating func object<T>(_ key: String, _ read: (inout Reader) -> T) -> T? {
        guard let v = object[key] else { return fail(key, "required") }
        guard case .object(let o) = v else { return fail(key, "expected an object") }
        var inner = Reader(object: o, path: field(key))
        let value = read(&inner)
        problems += inner.problems
        return inner.problems.isEmpty ? value : nil
    }

    /// A list whose items are each read by `item`; a missing list is empty.
    mutating func list<T>(_ key: String, _ item: (JSONValue, inout Item) -> T?) -> [T]? {
        guard let v = object[key], v != .null else { return [] }
        guard case .array(let items) = v else { return fail(key, "expected a list") }
        var out: [T] = []
        var seen = false
        for (i, x) in items.enumerated() {
            var at = Item(path: "\(field(key))[\(i)]")
            if let value = item(x, &at), at.problems.isEmpty { out.append(value) }
            problems += at.problems
            seen = seen || !at.problems.isEmpty
        }
        return seen ? nil : out
    }

    mutating func rejectUnknown(_ known: Set<String>) {
        for key in object.keys.sorted() where !known.contains(key) {
            problems.append(.init(field: field(key), reason: "unknown field"))
        }
    }

    /// One list item's place and problems.
    struct Item {
        let path: String
        var problems: [DeclarationDocument.Problem] = []

        mutating func fail<T>(_ reason: String) -> T? {
            problems.append(.init(field: path, reason: reason))
            return nil
        }
    }
}
