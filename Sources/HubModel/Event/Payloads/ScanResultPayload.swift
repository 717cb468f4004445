import Foundation

/// `scan.result`: a container scanner's result, with what the file-drop service found of its images.
public struct ScanResultPayload: EventPayloadBody {
    public static let kinds = [EventKind.scanResult]
    public static let passageRole: PassageRole? = .scan
    public typealias Doc = ScanResultDocument

    /// A container number the scanner gave that does not pass ISO 6346.
    public struct InvalidContainer: Sendable, Equatable {
        public var text: String
        /// Why (`ContainerNumber.Problem`'s raw value).
        public var reason: String

        public init(text: String, reason: String) {
            self.text = text
            self.reason = reason
        }
    }

    // A scanner's document always gives scanId, scanner, startedAt, containers and images; they
    // are optional because simulated and hand-built events carry only some of them.
    /// The scanner's id for the scan.
    public var scanId: String?
    public var scanner: Doc.Scanner?
    public var startedAt: Date?
    public var endedAt: Date?
    /// Seconds from start to end.
    public var durationS: Double?
    /// Container numbers as the scanner gave them, valid or not.
    public var containersRead: [String]?
    public var containersInvalid: [InvalidContainer]?
    public var images: [Doc.Image]?
    /// The plate as the scanner read it (the normalized one is in the subject).
    public var plateRead: String?
    public var scanSite: String?
    /// The automated threat detection's result, algorithm and suspect regions.
    public var atdResult: Doc.ThreatDetection.Result?
    public var atdAlgorithm: String?
    public var atdRegions: [Doc.Region]?
    public var operatorVerdict: Doc.OperatorVerdict?
    /// SHA-256 of each image kept in the blob store (set by the file-drop service).
    public var imagesStored: [String]?
    /// An image named but missing, refused or not matching its SHA-256, one line each.
    public var imageProblems: [String]?
    /// A baggage scanner's bag and whose it is.
    public var bag: Doc.Bag?

    public init(scanId: String? = nil, startedAt: Date? = nil) {
        self.scanId = scanId
        self.startedAt = startedAt
    }

    /// The payload of a scanner's document; `containersInvalid` and `durationS` are the normalizer's to fill.
    public init(_ doc: Doc) {
        self.init(scanId: doc.scanID, startedAt: doc.startedAt)
        scanner = doc.scanner
        containersRead = doc.containers
        images = doc.images
        endedAt = doc.endedAt
        plateRead = doc.plate
        scanSite = doc.site
        atdResult = doc.threatDetection?.result
        atdAlgorithm = doc.threatDetection?.algorithm
        atdRegions = doc.threatDetection?.regions
        operatorVerdict = doc.operatorVerdict
        bag = doc.bag
    }

    /// The operator's verdict once given, else the algorithm's result (`clear`, `suspect`, …).
    public var verdict: String? { operatorVerdict?.verdict.rawValue ?? atdResult?.rawValue }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        scanId = try f.optionalString("scanId")
        scanner = try NestedPayloadJSON.object(&f, "scanner") { s in
            Doc.Scanner(
                id: try s.string("id"), manufacturer: try s.optionalString("manufacturer"), model: try s.optionalString("model"),
                technology: try s.optionalString("technology"))
        }
        startedAt = try f.optionalDate("startedAt")
        endedAt = try f.optionalDate("endedAt")
        durationS = try f.optionalDouble("durationS")
        containersRead = try f.strings("containersRead")
        containersInvalid = try NestedPayloadJSON.objects(&f, "containersInvalid") { c in
            InvalidContainer(text: try c.string("text"), reason: try c.string("reason"))
        }
        images = try NestedPayloadJSON.objects(&f, "images") { i in
            Doc.Image(
                name: try i.string("name"), sha256: try i.string("sha256"), format: try i.value("format", as: Doc.Image.Format.self),
                view: try i.optionalString("view"), bytes: try i.optionalInt("bytes"),
                energy: try i.optionalValue("energy", as: Doc.Image.Energy.self))
        }
        plateRead = try f.optionalString("plateRead")
        scanSite = try f.optionalString("scanSite")
        atdResult = try f.optionalValue("atdResult", as: Doc.ThreatDetection.Result.self)
        atdAlgorithm = try f.optionalString("atdAlgorithm")
        atdRegions = try NestedPayloadJSON.objects(&f, "atdRegions") { r in
            Doc.Region(
                image: try r.optionalString("image"), x: try r.double("x"), y: try r.double("y"), width: try r.double("width"),
                height: try r.double("height"), threat: try r.optionalString("threat"), confidence: try r.optionalDouble("confidence"))
        }
        operatorVerdict = try NestedPayloadJSON.object(&f, "operatorVerdict") { v in
            Doc.OperatorVerdict(
                verdict: try v.value("verdict", as: Doc.OperatorVerdict.Verdict.self), operatorID: try v.optionalString("operator"),
                decidedAt: try v.optionalDate("decidedAt"), comment: try v.optionalString("comment"))
        }
        imagesStored = try f.strings("imagesStored")
        imageProblems = try f.strings("imageProblems")
        bag = try NestedPayloadJSON.object(&f, "bag") { b in
            let r = try NestedPayloadJSON.object(&b, "reference") { r in
                Doc.Bag(kind: try r.value("kind", as: Doc.Bag.Kind.self), reference: try r.string("value"))
            }
            guard let r else { throw PayloadError(field: "reference", reason: "missing") }
            return r
        }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        o.put("scanId", scanId)
        if let s = scanner {
            var x: [String: JSONValue] = ["id": .string(s.id)]
            x.put("manufacturer", s.manufacturer)
            x.put("model", s.model)
            x.put("technology", s.technology)
            o["scanner"] = .object(x)
        }
        o.put("startedAt", startedAt)
        o.put("endedAt", endedAt)
        o.put("durationS", durationS)
        o.put("containersRead", containersRead)
        if let v = containersInvalid {
            o["containersInvalid"] = .array(v.map { .object(["text": .string($0.text), "reason": .string($0.reason)]) })
        }
        if let v = images {
            o["images"] = .array(
                v.map { i in
                    var x: [String: JSONValue] = ["name": .string(i.name), "sha256": .string(i.sha256), "format": .string(i.format.rawValue)]
                    x.put("view", i.view)
                    x.put("bytes", i.bytes)
                    x.put("energy", i.energy)
                    return .object(x)
                })
        }
        o.put("plateRead", plateRead)
        o.put("scanSite", scanSite)
        o.put("atdResult", atdResult)
        o.put("atdAlgorithm", atdAlgorithm)
        if let v = atdRegions {
            o["atdRegions"] = .array(
                v.map { r in
                    var x: [String: JSONValue] = [
                        "x": .double(r.x), "y": .double(r.y), "width": .double(r.width), "height": .double(r.height),
                    ]
                    x.put("image", r.image)
                    x.put("threat", r.threat)
                    x.put("confidence", r.confidence)
                    return .object(x)
                })
        }
        if let v = operatorVerdict {
            var x: [String: JSONValue] = ["verdict": .string(v.verdict.rawValue)]
            x.put("operator", v.operatorID)
            x.put("decidedAt", v.decidedAt)
            x.put("comment", v.comment)
            o["operatorVerdict"] = .object(x)
        }
        o.put("imagesStored", imagesStored)
        o.put("imageProblems", imageProblems)
        if let b = bag {
            o["bag"] = .object(["reference": .object(["kind": .string(b.kind.rawValue), "value": .string(b.reference)])])
        }
        return o
    }

    public var payload: EventPayload { .scanResult(self) }
}
