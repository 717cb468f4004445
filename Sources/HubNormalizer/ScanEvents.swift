import Foundation
import HubModel

/// `scan.result`: a container scanner's result. Container numbers that pass ISO 6346 go to
/// `subject.containers`; the others are kept in `data.containersInvalid` for a person to read.
enum ScanEvents {
    static func body(for doc: ScanResultDocument) -> EventBody {
        var valid: [String] = []
        var invalid: [JSONValue] = []
        for text in doc.containers {
            switch ContainerNumber.parse(text) {
            case .success(let n): if !valid.contains(n.value) { valid.append(n.value) }
            case .failure(let p): invalid.append(.object(["text": .string(text), "reason": .string(p.rawValue)]))
            }
        }
        let plate = doc.plate.flatMap(Plate.normalize)
        var scanner: [String: JSONValue] = ["id": .string(doc.scanner.id)]
        if let v = doc.scanner.manufacturer { scanner["manufacturer"] = .string(v) }
        if let v = doc.scanner.model { scanner["model"] = .string(v) }
        if let v = doc.scanner.technology { scanner["technology"] = .string(v) }
        var data: [String: JSONValue] = [
            "scanId": .string(doc.scanID),
            "scanner": .object(scanner),
            "startedAt": .timestamp(doc.startedAt),
            "containersRead": .array(doc.containers.map { .string($0) }),
            "images": .array(doc.images.map(image)),
        ]
        if !invalid.isEmpty { data["containersInvalid"] = .array(invalid) }
        if let e = doc.endedAt {
            data["endedAt"] = .timestamp(e)
            data["durationS"] = .rounded(e.timeIntervalSince(doc.startedAt))
        }
        if let p = doc.plate { data["plateRead"] = .string(p) }
        if let s = doc.site { data["scanSite"] = .string(s) }
        if let atd = doc.threatDetection {
            data["atdResult"] = .string(atd.result.rawValue)
            if let a = atd.algorithm { data["atdAlgorithm"] = .string(a) }
            data["atdRegions"] = .array(atd.regions.map(region))
        }
        if let v = doc.operatorVerdict {
            var o: [String: JSONValue] = ["verdict": .string(v.verdict.rawValue)]
            if let op = v.operatorID { o["operator"] = .string(op) }
            if let at = v.decidedAt { o["decidedAt"] = .timestamp(at) }
            if let c = v.comment { o["comment"] = .string(c) }
            data["operatorVerdict"] = .object(o)
        }
        // The operator's word outranks the algorithm's once given; until then a suspect ATD is an alarm.
        let suspect: Bool
        switch doc.operatorVerdict?.verdict {
        case .suspect?, .inspect?: suspect = true
        case .clear?: suspect = false
        case .pending?, nil: suspect = doc.threatDetection?.result == .suspect
        }
        let severity: Severity = suspect ? .alarm : (invalid.isEmpty ? .info : .warning)
        return EventBody(
            kind: EventKind.scanResult, observedAt: doc.endedAt ?? doc.startedAt,
            subject: Subject(containers: valid.isEmpty ? nil : valid, plates: plate.map { [$0] }),
            data: data, severity: severity, lane: doc.lane)
    }

    private static func image(_ i: ScanResultDocument.Image) -> JSONValue {
        var o: [String: JSONValue] = ["name": .string(i.name), "sha256": .string(i.sha256), "format": .string(i.format.rawValue)]
        if let v = i.view { o["view"] = .string(v) }
        if let b = i.bytes { o["bytes"] = .int(Int64(b)) }
        return .object(o)
    }

    private static func region(_ r: ScanResultDocument.Region) -> JSONValue {
        var o: [String: JSONValue] = [
            "x": .double(r.x), "y": .double(r.y), "width": .double(r.width), "height": .double(r.height),
        ]
        if let v = r.image { o["image"] = .string(v) }
        if let v = r.threat { o["threat"] = .string(v) }
        if let v = r.confidence { o["confidence"] = .double(v) }
        return .object(o)
    }
}
