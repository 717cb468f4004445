import Foundation
import HubCorrelation
import HubModel

/// A passage as an inspection event; its raw record is the hub's statement of which events it joined.
enum PassageEvents {
    static func batch(for p: Passage, supersedes: String?, ids: EventIDGenerator) -> IngestBatch {
        let now = Date()
        var data: [String: JSONValue] = [
            "passage": .string(p.id),
            "revision": .int(Int64(p.revision)),
            "startedAt": .string(Timestamp.format(p.startedAt)),
            "endedAt": .string(Timestamp.format(p.endedAt)),
            "events": .array(p.events.map { .string($0) }),
            "missing": .array(p.missing.map { .string($0) }),
            "alarmed": .bool(p.alarmed),
            "ambiguous": .bool(p.ambiguous),
        ]
        if let s = supersedes { data["supersedes"] = .array([.string(s)]) }
        if let o = p.occupancy { data["occupancyEvent"] = .string(o) }
        if let o = p.entry { data["entryEvent"] = .string(o) }
        if let g = p.gammaAlarm { data["gammaAlarm"] = .bool(g) }
        if let n = p.neutronAlarm { data["neutronAlarm"] = .bool(n) }
        if let s = p.scanEvent { data["scanEvent"] = .string(s) }
        if let r = p.scanResult { data["scanResult"] = .string(r) }
        if !p.devicesDown.isEmpty { data["devicesDown"] = .array(p.devicesDown.map { .string($0) }) }
        if p.ambiguous {
            data["ambiguities"] = .array(p.ambiguities.map { a in
                .object(["event": .string(a.event), "candidates": .array(a.candidates.map { .string($0) }), "reason": .string(a.reason)])
            })
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
            data: data, severity: p.alarmed ? .alarm : (p.devicesDown.isEmpty && !p.ambiguous ? .info : .warning),
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
            data: [
                "event": .string(event), "passage": .string(passage), "resolvedBy": .string(by),
                "supersedes": .array(supersedes.map { .string($0) }),
            ],
            severity: .info, raw: HubAuthored.unrecorded)
        return HubAuthored.batch(e, statement: statement, format: "niihub-passage", deviceID: "passages", at: now)
    }
}
