import Foundation

/// Checks a scan result document field by field, collecting every problem rather than stopping at
/// the first, so an adapter author sees all that is wrong at once.
struct ScanResultValidator {
    typealias Doc = ScanResultDocument
    var problems: [Doc.Problem] = []

    private mutating func fail(_ field: String, _ reason: String) { problems.append(.init(field: field, reason: reason)) }

    private mutating func object(_ v: JSONValue?, _ field: String, allowed: Set<String>) -> [String: JSONValue]? {
        guard case .object(let o) = v else {
            fail(field, v == nil ? "required" : "expected an object")
            return nil
        }
        for key in o.keys.sorted() where !allowed.contains(key) {
            fail(field.isEmpty ? key : "\(field).\(key)", "unknown member")
        }
        return o
    }

    private mutating func string(_ v: JSONValue?, _ field: String, required: Bool = false, max: Int = 256) -> String? {
        guard let v, v != .null else {
            if required { fail(field, "required") }
            return nil
        }
        guard case .string(let s) = v, !s.isEmpty, s.count <= max else {
            fail(field, "expected a non-empty string of at most \(max) characters")
            return nil
        }
        return s
    }

    private mutating func time(_ v: JSONValue?, _ field: String, required: Bool = false) -> Date? {
        guard let s = string(v, field, required: required, max: 40) else { return nil }
        guard let t = Timestamp.parse(s) else {
            fail(field, "expected an RFC 3339 time like 2026-01-31T08:00:00Z")
            return nil
        }
        return t
    }

    private mutating func number(_ v: JSONValue?, _ field: String, in range: ClosedRange<Double>) -> Double? {
        guard let v, v != .null else { return nil }
        guard let d = v.doubleValue, d.isFinite, range.contains(d) else {
            fail(field, "expected a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return d
    }

    private mutating func array(_ v: JSONValue?, _ field: String, max: Int) -> [JSONValue] {
        guard let v, v != .null else { return [] }
        guard case .array(let a) = v, a.count <= max else {
            fail(field, "expected an array of at most \(max) items")
            return []
        }
        return a
    }

    private mutating func choice<E: RawRepresentable & CaseIterable>(_ v: JSONValue?, _ field: String, _: E.Type) -> E?
    where E.RawValue == String {
        guard let s = string(v, field, required: true, max: 32) else { return nil }
        guard let e = E(rawValue: s) else {
            fail(field, "expected one of \(E.allCases.map(\.rawValue).joined(separator: ", ")); got '\(s)'")
            return nil
        }
        return e
    }

    mutating func document(_ json: JSONValue) -> Doc? {
        let allowed: Set<String> = [
            "schema", "scanId", "scanner", "site", "lane", "startedAt", "endedAt", "containers", "plate", "images",
            "atd", "operatorVerdict", "extensions", "bag",
        ]
        guard let o = object(json, "", allowed: allowed) else { return nil }
        if o["schema"] != .string(Doc.schemaV1) { fail("schema", "expected '\(Doc.schemaV1)'") }
        let scanID = string(o["scanId"], "scanId", required: true, max: 128)
        let scanner = scannerInfo(o["scanner"])
        let site = string(o["site"], "site", max: 64)
        let lane = string(o["lane"], "lane", max: 64)
        let startedAt = time(o["startedAt"], "startedAt", required: true)
        let endedAt = time(o["endedAt"], "endedAt")
        if let s = startedAt, let e = endedAt, e < s { fail("endedAt", "before startedAt") }
        var containers: [String] = []
        for (i, c) in array(o["containers"], "containers", max: 8).enumerated() {
            if let s = string(c, "containers[\(i)]", required: true, max: 32) { containers.append(s) }
        }
        let plate = string(o["plate"], "plate", max: 32)
        var images: [Doc.Image] = []
        let rawImages = array(o["images"], "images", max: 64)
        for (i, item) in rawImages.enumerated() {
            if let img = image(item, "images[\(i)]") { images.append(img) }
        }
        // Regions name images, so a name must say which one, even among images refused for other reasons.
        let names = rawImages.compactMap { item -> String? in
            if case .object(let o) = item { o["name"]?.stringValue } else { nil }
        }
        if Set(names).count != names.count { fail("images", "image names must be unique") }
        let atd = o["atd"].flatMap { $0 == .null ? nil : threatDetection($0, images: images) }
        let verdict = o["operatorVerdict"].flatMap { $0 == .null ? nil : operatorVerdict($0) }
        let bag = o["bag"].flatMap { $0 == .null ? nil : self.bag($0) }
        if let e = o["extensions"], e != .null {
            // Vendor data travels along untouched, but only as an object.
            if case .object = e {} else { fail("extensions", "expected an object") }
        }
        guard let scanID, let scanner, let startedAt else { return nil }
        return Doc(
            scanID: scanID, scanner: scanner, site: site, lane: lane, startedAt: startedAt, endedAt: endedAt,
            containers: containers, plate: plate, images: images, threatDetection: atd, operatorVerdict: verdict, bag: bag)
    }

    private mutating func bag(_ v: JSONValue) -> Doc.Bag? {
        guard let o = object(v, "bag", allowed: ["reference"]) else { return nil }
        guard let r = object(o["reference"] ?? .null, "bag.reference", allowed: ["kind", "value"]) else {
            fail("bag.reference", "expected {\"kind\": \"passenger|vehicle|flight\", \"value\"}")
            return nil
        }
        let kind = choice(r["kind"], "bag.reference.kind", Doc.Bag.Kind.self)
        let value = string(r["value"], "bag.reference.value", required: true, max: 64)
        guard let kind, let value else { return nil }
        return Doc.Bag(kind: kind, reference: value)
    }

    private mutating func scannerInfo(_ v: JSONValue?) -> Doc.Scanner? {
        guard let o = object(v, "scanner", allowed: ["id", "manufacturer", "model", "technology"]) else { return nil }
        let id = string(o["id"], "scanner.id", required: true, max: 64)
        let s = Doc.Scanner(
            id: id ?? "", manufacturer: string(o["manufacturer"], "scanner.manufacturer"),
            model: string(o["model"], "scanner.model"), technology: string(o["technology"], "scanner.technology", max: 32))
        return id == nil ? nil : s
    }

    private mutating func image(_ v: JSONValue, _ field: String) -> Doc.Image? {
        guard let o = object(v, field, allowed: ["name", "sha256", "format", "view", "bytes", "energy"]) else { return nil }
        let name = string(o["name"], "\(field).name", required: true)
        var sha: String?
        if let s = string(o["sha256"], "\(field).sha256", required: true, max: 64) {
            if s.count == 64, s.allSatisfy(\.isHexDigit) { sha = s.lowercased() } else {
                fail("\(field).sha256", "expected 64 hex digits")
            }
        }
        let format = choice(o["format"], "\(field).format", Doc.Image.Format.self)
        let view = string(o["view"], "\(field).view", max: 32)
        let bytes = number(o["bytes"], "\(field).bytes", in: 0...1e13).map { Int($0) }
        let energy = o["energy"] == nil ? nil : choice(o["energy"], "\(field).energy", Doc.Image.Energy.self)
        guard let name, let sha, let format else { return nil }
        return Doc.Image(name: name, sha256: sha, format: format, view: view, bytes: bytes, energy: energy)
    }

    private mutating func threatDetection(_ v: JSONValue, images: [Doc.Image]) -> Doc.ThreatDetection? {
        guard let o = object(v, "atd", allowed: ["result", "algorithm", "regions"]) else { return nil }
        let result = choice(o["result"], "atd.result", Doc.ThreatDetection.Result.self)
        let algorithm = string(o["algorithm"], "atd.algorithm")
        var regions: [Doc.Region] = []
        let rawRegions = array(o["regions"], "atd.regions", max: 256)
        for (i, r) in rawRegions.enumerated() {
            let f = "atd.regions[\(i)]"
            guard
                let ro = object(r, f, allowed: ["image", "x", "y", "width", "height", "threat", "confidence"])
            else { continue }
            let image = string(ro["image"], "\(f).image")
            if let image, !images.contains(where: { $0.name == image }) { fail("\(f).image", "names no image of the scan") }
            let x = number(ro["x"], "\(f).x", in: 0...1e6), y = number(ro["y"], "\(f).y", in: 0...1e6)
            let w = number(ro["width"], "\(f).width", in: 0...1e6), h = number(ro["height"], "\(f).height", in: 0...1e6)
            for (name, value) in [("x", x), ("y", y), ("width", w), ("height", h)] where value == nil && ro[name] == nil {
                fail("\(f).\(name)", "required")
            }
            let confidence = number(ro["confidence"], "\(f).confidence", in: 0...100)
            if let x, let y, let w, let h {
                regions.append(
                    Doc.Region(
                        image: image, x: x, y: y, width: w, height: h, threat: string(ro["threat"], "\(f).threat"),
                        confidence: confidence))
            }
        }
        if result == .clear, !rawRegions.isEmpty { fail("atd.regions", "a clear result has no suspect regions") }
        guard let result else { return nil }
        return Doc.ThreatDetection(result: result, algorithm: algorithm, regions: regions)
    }

    private mutating func operatorVerdict(_ v: JSONValue) -> Doc.OperatorVerdict? {
        guard let o = object(v, "operatorVerdict", allowed: ["verdict", "operator", "decidedAt", "comment"]) else {
            return nil
        }
        let verdict = choice(o["verdict"], "operatorVerdict.verdict", Doc.OperatorVerdict.Verdict.self)
        let op = string(o["operator"], "operatorVerdict.operator", max: 64)
        let at = time(o["decidedAt"], "operatorVerdict.decidedAt")
        let comment = string(o["comment"], "operatorVerdict.comment", max: 2000)
        guard let verdict else { return nil }
        return Doc.OperatorVerdict(verdict: verdict, operatorID: op, decidedAt: at, comment: comment)
    }
}
