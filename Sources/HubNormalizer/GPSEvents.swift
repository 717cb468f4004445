import Foundation
import HubModel

/// `gps.fix`: one position of a receiver, tracker or tracking seal. `lat`/`lon` are never rounded (a
/// receiver's last digits are what the sentence said); derived speeds are.
enum GPSEvents {
    static func body(for f: GPSFix) -> EventBody {
        let payload = GPSFixPayload(
            lat: f.lat, lon: f.lon, source: f.source, speedKmh: f.speedKmh?.decimalRounded(), courseDeg: f.courseDeg,
            altitudeM: f.altitudeM, satellites: f.satellites, hdop: f.hdop, fixQuality: f.fixQuality,
            // The sentence is named only for receiver sentences, which are the fixes with a talker.
            sentence: f.talker == nil ? nil : f.source, talker: f.talker, priority: f.priority, eventIO: f.eventIO,
            // Values past 2^53 go as strings (`IOValue`): many tools read JSON numbers as doubles.
            io: f.io.isEmpty ? nil : Dictionary(uniqueKeysWithValues: f.io.map { k, v in (String(k), GPSFixPayload.IOValue(v)) }))
        // The typed case directly, not through `any EventPayloadBody`: one box less per position.
        return EventBody(
            kind: EventKind.gpsFix, observedAt: f.observedAt, subject: Subject(seals: f.sealID.map { [$0] }),
            payload: .gpsFix(payload), severity: .info, unitID: f.unitID)
    }
}
