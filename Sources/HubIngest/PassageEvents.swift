import Foundation
import HubCorrelation
import HubModel

/// A passage as an inspection event; its raw record is the hub's statement of which events it joined.
enum PassageEvents {
    static func batch(for p: Passage, supersedes: String?, ids: EventIDGenerator) -> IngestBatch {
        let now = Date()
        var body = GatePassagePayload(
            passage: p.id, revision: p.revision, startedAt: p.startedAt, endedAt: p.endedAt, events: p.events,
            missing: p.missing, alarmed: p.alarmed, ambiguous: p.ambiguous)
        body.supersedes = supersedes.map { [$0] }
        body.occupancyEvent = p.occupancy
        body.entryEvent = p.entry
        body.gammaAlarm = p.gammaAlarm
        body.neutronAlarm = p.neutronAlarm
        body.traceAlarm = p.traceAlarm
        body.scanEvent = p.scanEvent
        body.scanResult = p.scanResult
        body.devicesDown = p.devicesDown.isEmpty ? nil : p.devicesDown
        if p.ambiguous {
            body.ambiguities = p.ambiguities
        }
        let statement = "{\"passage\":\"\(p.site)/\(p.lane)/\(p.id)\",\"revision\":\(p.revision),\"events\":["
            + p.events.map { "\"\($0)\"" }.joined(separator: ",") + "],\"ambiguous\":["
            + p.ambiguities.map { "\"\($0.event)\"" }.joined(separator: ",") + "]}\n"
        let event = InspectionEvent(
            id: ids.next(at: now), kind: EventKind.passage,
            device: DeviceRef(id: "passages", profile: "passage-assembler", family: "gate"),
            site: p.site.isEmpty ? nil : p.site, lane: p.lane, observedAt: p.endedAt, receivedAt: now,
            subject: Subject(
                containers: p.containers.isEmpty ? nil : p.containers, seals: p.seals.isEmpty ? nil : p.seals,
                plates: p.plates.isEmpty ? nil : p.plates),
            payload: body.payload, severity: p.alarmed ? .alarm : (p.devicesDown.isEmpty && !p.ambiguous ? .info : .warning),
            raw: HubAuthored.unrecorded)
        return HubAuthored.batch(event, statement: statement, format: "niihub-passage", deviceID: "passages", at: now)
    }

    /// An operator's resolution: which passage a piece of evidence belongs to, and which stored
    /// revisions it replaces. Its subject is every identifier those revisions held.
    static func resolution(
        event: String, passage: String, by: String, supersedes: [String], subject: Subject, site: String, lane: String,
        ids: EventIDGenerator
    ) -> IngestBatch {
        let now = Date()
        let statement = "{\"resolution\":\"\(site)/\(lane)\",\"event\":\"\(event)\",\"passage\":\"\(passage)\",\"by\":\""
            + by.replacingOccurrences(of: "\"", with: "'") + "\"}\n"
        let e = InspectionEvent(
            id: ids.next(at: now), kind: EventKind.passageResolution,
            device: DeviceRef(id: "passages", profile: "passage-assembler", family: "gate"),
            site: site.isEmpty ? nil : site, lane: lane, observedAt: now, receivedAt: now, subject: subject,
            payload: PassageResolutionPayload(event: event, passage: passage, resolvedBy: by, supersedes: supersedes).payload,
            severity: .info, raw: HubAuthored.unrecorded)
        return HubAuthored.batch(e, statement: statement, format: "niihub-passage", deviceID: "passages", at: now)
    }
}
