import Foundation
import HubModel

/// `gps.fix`: one position of a receiver, tracker or tracking seal. `lat`/`lon` are never rounded (a
/// receiver's last digits are what the sentence said); derived speeds are.
enum GPSEvents {
    static func body(for f: GPSFix) -> EventBody {
        var data: [String: JSONValue] = ["lat": .double(f.lat), "lon": .double(f.lon), "source": .string(f.source)]
        if let v = f.speedKmh { data["speedKmh"] = .rounded(v) }
        if let v = f.courseDeg { data["courseDeg"] = .double(v) }
        if let v = f.altitudeM { data["altitudeM"] = .double(v) }
        if let v = f.satellites { data["satellites"] = .int(Int64(v)) }
        if let v = f.hdop { data["hdop"] = .double(v) }
        if let v = f.fixQuality { data["fixQuality"] = .int(Int64(v)) }
        if let t = f.talker {
            data["sentence"] = .string(f.source)
            data["talker"] = .string(t)
        }
        if let v = f.priority { data["priority"] = .int(Int64(v)) }
        if let v = f.eventIO { data["eventIO"] = .int(Int64(v)) }
        if !f.io.isEmpty {
            // JSON numbers are read as doubles by many tools; values past 2^53 would lose digits, so they go as strings.
            data["io"] = .object(
                Dictionary(uniqueKeysWithValues: f.io.map { k, v in (String(k), v < 1 << 53 ? .int(Int64(v)) : .string(String(v))) }))
        }
        return EventBody(
            kind: EventKind.gpsFix, observedAt: f.observedAt, subject: Subject(seals: f.sealID.map { [$0] }), data: data,
            severity: .info, unitID: f.unitID)
    }
}
