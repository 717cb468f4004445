import Foundation
import HubModel

/// `ocr.read`: one camera read. A container number enters `subject.containers` only when it passes
/// ISO 6346 or one repair stands out (`containerValid`, `repairedFrom`, `candidates` say which); a
/// plate enters `subject.plates` normalized.
enum OCREvents {
    static func body(for r: OCRReading) -> EventBody {
        var p = OCRReadPayload(
            read: r.kind == .container ? .container : .plate, text: r.text, confidence: r.confidence.decimalRounded(2),
            cameraLane: r.lane, position: r.position)
        var subject = Subject()
        var severity = Severity.info
        switch r.kind {
        case .plate:
            if let plate = Plate.normalize(r.text) {
                subject.plates = [plate]
                p.plate = plate
            } else {
                severity = .warning
            }
        case .container:
            switch ContainerNumber.parse(r.text) {
            case .success(let n):
                subject.containers = [n.value]
                p.containerValid = true
                p.container = n.value
            case .failure(let problem):
                p.containerValid = false
                p.reason = problem.rawValue
                let candidates = ContainerRepair.candidates(for: r.text, characterConfidences: r.characterConfidences)
                p.candidates = candidates.map { c in
                    .init(
                        number: c.number.value, position: c.position, read: String(c.read), meant: String(c.meant),
                        score: c.score.decimalRounded(2))
                }
                if let best = ContainerRepair.best(candidates) {
                    subject.containers = [best.number.value]
                    p.container = best.number.value
                    p.repairedFrom = r.text
                } else {
                    // No number to trust: a person must read it.
                    severity = .warning
                }
            }
        }
        return EventBody(
            kind: EventKind.ocrRead, observedAt: r.observedAt, subject: subject, payload: p, severity: severity, lane: r.lane)
    }
}
