import Foundation
import HubModel

/// `ocr.read`: one camera read. A container number enters `subject.containers` only when it passes
/// ISO 6346 or one repair stands out (`containerValid`, `repairedFrom`, `candidates` say which); a
/// plate enters `subject.plates` normalized.
enum OCREvents {
    static func body(for r: OCRReading) -> EventBody {
        var data: [String: JSONValue] = [
            "read": .string(r.kind == .container ? "container" : "plate"),
            "text": .string(r.text),
            "confidence": .rounded(r.confidence, 2),
            "cameraLane": .string(r.lane),
        ]
        if let p = r.position { data["position"] = .string(p) }
        var subject = Subject()
        var severity = Severity.info
        switch r.kind {
        case .plate:
            if let plate = Plate.normalize(r.text) {
                subject.plates = [plate]
                data["plate"] = .string(plate)
            } else {
                severity = .warning
            }
        case .container:
            switch ContainerNumber.parse(r.text) {
            case .success(let n):
                subject.containers = [n.value]
                data["containerValid"] = true
                data["container"] = .string(n.value)
            case .failure(let problem):
                data["containerValid"] = false
                data["reason"] = .string(problem.rawValue)
                let candidates = ContainerRepair.candidates(for: r.text, characterConfidences: r.characterConfidences)
                data["candidates"] = .array(
                    candidates.map { c in
                        .object([
                            "number": .string(c.number.value), "position": .int(Int64(c.position)),
                            "read": .string(String(c.read)), "meant": .string(String(c.meant)),
                            "score": .rounded(c.score, 2),
                        ])
                    })
                if let best = ContainerRepair.best(candidates) {
                    subject.containers = [best.number.value]
                    data["container"] = .string(best.number.value)
                    data["repairedFrom"] = .string(r.text)
                } else {
                    // No number to trust: a person must read it.
                    severity = .warning
                }
            }
        }
        return EventBody(
            kind: EventKind.ocrRead, observedAt: r.observedAt, subject: subject, data: data, severity: severity, lane: r.lane)
    }
}
