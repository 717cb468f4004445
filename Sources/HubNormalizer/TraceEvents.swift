import Foundation
import HubModel

/// `trace.alarm` / `trace.clear`: one detector sample. An alarm is an operator alarm (pushed live,
/// queued for adjudication); a container named enters `subject.containers` only when it passes
/// ISO 6346, a plate normalized, a seal as given, so the result joins the passage where the reads
/// of the same identifiers went.
enum TraceEvents {
    static func body(for r: TraceReading) -> EventBody {
        let p = TraceResultPayload(
            substance: r.substance, channel: r.channel, amplitude: r.amplitude?.decimalRounded(3),
            amplitudeUnit: r.amplitudeUnit)
        var subject = Subject()
        let containers = r.containers.compactMap { try? ContainerNumber.parse($0).get().value }
        let plates = r.plates.compactMap(Plate.normalize)
        subject.containers = containers.isEmpty ? nil : containers
        subject.plates = plates.isEmpty ? nil : plates
        subject.seals = r.seals.isEmpty ? nil : r.seals
        // A named identifier that does not read is worth a person's look even on a clear sample.
        let unreadable = containers.count < r.containers.count || plates.count < r.plates.count
        let severity: Severity = r.alarm ? .alarm : unreadable ? .warning : .info
        return EventBody(
            kind: r.alarm ? EventKind.traceAlarm : EventKind.traceClear, observedAt: r.observedAt, subject: subject,
            payload: p, severity: severity, lane: r.lane)
    }
}
