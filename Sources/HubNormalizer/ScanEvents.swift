import Foundation
import HubModel

/// `scan.result`: a container scanner's result. Container numbers that pass ISO 6346 go to
/// `subject.containers`; the others are kept in `data.containersInvalid` for a person to read.
enum ScanEvents {
    static func body(for doc: ScanResultDocument) -> EventBody {
        var valid: [String] = []
        var invalid: [ScanResultPayload.InvalidContainer] = []
        for text in doc.containers {
            switch ContainerNumber.parse(text) {
            case .success(let n): if !valid.contains(n.value) { valid.append(n.value) }
            case .failure(let p): invalid.append(.init(text: text, reason: p.rawValue))
            }
        }
        // A bag from a vehicle links by the vehicle's plate, as the vehicle's own scan does.
        let plate = (doc.plate ?? (doc.bag?.kind == .vehicle ? doc.bag?.reference : nil)).flatMap(Plate.normalize)
        var payload = ScanResultPayload(doc)
        if !invalid.isEmpty { payload.containersInvalid = invalid }
        payload.durationS = doc.endedAt.map { $0.timeIntervalSince(doc.startedAt).decimalRounded() }
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
            payload: payload, severity: severity, lane: doc.lane)
    }
}
