import Foundation
import HubModel

/// Event kinds of a radiation portal monitor: `radiation.background`, `radiation.occupancy-start`,
/// `radiation.alarm`, `radiation.occupancy`, `radiation.fault`, `device.tamper` and `device.config` (setup).
enum RadiationPortalEvents {
    static func body(for reading: RadiationPortalReading, thresholds: [String: Double]) -> EventBody {
        switch reading {
        case .background(let b): background(b, thresholds)
        case .occupancyStarted(let o): occupancyStart(o)
        case .alarmStarted(let a): alarm(a)
        case .occupancy(let o): occupancy(o)
        case .fault(let f): fault(f)
        case .tamper(let t):
            EventBody(
                kind: EventKind.deviceTamper, observedAt: t.observedAt,
                data: ["status": .string(t.tampered ? "tampered" : "tamper-cleared"), "tamper": .bool(t.tampered)],
                severity: t.tampered ? .alarm : .info)
        case .setup(let s):
            EventBody(
                kind: EventKind.deviceConfig, observedAt: s.observedAt,
                data: [
                    "radiation": .string(s.radiation),
                    "setup": .object(s.fields.mapValues { .array($0.map { .string($0) }) }),
                ],
                severity: .info)
        }
    }

    private static func background(_ b: RadiationPortalReading.BackgroundSummary, _ limits: [String: Double])
        -> EventBody
    {
        var data: [String: JSONValue] = [
            "gammaLines": .int(Int64(b.gammaLines)),
            "neutronLines": .int(Int64(b.neutronLines)),
            "gammaDetectorsCps": .array(b.gammaDetectorsCps.map { .rounded($0) }),
            "neutronDetectorsCps": .array(b.neutronDetectorsCps.map { .rounded($0) }),
        ]
        if let g = b.gammaCps { data["gammaCps"] = .rounded(g) }
        if let n = b.neutronCps { data["neutronCps"] = .rounded(n) }
        if let s = b.windowStartedAt { data["windowStartedAt"] = .timestamp(s) }
        // Background outside the profile's band means a detector or shielding problem, not a threat.
        var outOfBand: [JSONValue] = []
        if let g = b.gammaCps, let hi = limits["gammaBackgroundHighCps"], g > hi { outOfBand.append("gammaHigh") }
        if let g = b.gammaCps, let lo = limits["gammaBackgroundLowCps"], g < lo { outOfBand.append("gammaLow") }
        if let n = b.neutronCps, let hi = limits["neutronBackgroundHighCps"], n > hi { outOfBand.append("neutronHigh") }
        if !outOfBand.isEmpty { data["outOfBand"] = .array(outOfBand) }
        return EventBody(
            kind: EventKind.radiationBackground, observedAt: b.observedAt, data: data,
            severity: outOfBand.isEmpty ? .info : .warning)
    }

    /// A vehicle entered the portal: it places the vehicle in the lane's order at once. Never an alarm:
    /// the vehicle's alarm is `radiation.alarm`, its verdict `radiation.occupancy` at the end.
    private static func occupancyStart(_ o: RadiationPortalReading.OccupancyStart) -> EventBody {
        var data: [String: JSONValue] = [:]
        if let s = o.startedAt { data["startedAt"] = .timestamp(s) }
        return EventBody(kind: EventKind.occupancyStart, observedAt: o.startedAt, data: data, severity: .info)
    }

    private static func alarm(_ a: RadiationPortalReading.AlarmStart) -> EventBody {
        EventBody(
            kind: EventKind.radiationAlarm, observedAt: a.observedAt,
            data: [
                "radiation": .string(a.radiation.rawValue),
                "source": "portal-monitor",
                "detectorsCps": .array(a.detectorsCps.map { .rounded($0) }),
                "\(a.radiation.rawValue)Cps": .rounded(a.detectorsCps.max() ?? 0),
            ],
            severity: .alarm)
    }

    private static func occupancy(_ o: RadiationPortalReading.Occupancy) -> EventBody {
        var data: [String: JSONValue] = [
            "gammaAlarm": .bool(o.gammaAlarm),
            "neutronAlarm": .bool(o.neutronAlarm),
            "gammaSamples": .int(Int64(o.gammaSamples)),
            "neutronSamples": .int(Int64(o.neutronSamples)),
            "partial": .bool(o.partial),
        ]
        if let n = o.number { data["occupancyNumber"] = .int(Int64(n)) }
        if let s = o.startedAt { data["startedAt"] = .timestamp(s) }
        if let e = o.endedAt { data["endedAt"] = .timestamp(e) }
        if let s = o.startedAt, let e = o.endedAt { data["durationS"] = .rounded(e.timeIntervalSince(s)) }
        if let v = o.maxGammaCps { data["maxGammaCps"] = .rounded(v) }
        if let v = o.maxNeutronCps { data["maxNeutronCps"] = .rounded(v) }
        if let v = o.gammaBackgroundCps { data["gammaBackgroundCps"] = .rounded(v) }
        if let v = o.neutronBackgroundCps { data["neutronBackgroundCps"] = .rounded(v) }
        if let v = o.speedKmh { data["speedKmh"] = .rounded(v) }
        return EventBody(
            kind: EventKind.occupancy, observedAt: o.endedAt, data: data,
            severity: o.gammaAlarm || o.neutronAlarm ? .alarm : .info)
    }

    private static func fault(_ f: RadiationPortalReading.Fault) -> EventBody {
        let name =
            switch f.code {
            case .gammaHigh: "gamma-high"
            case .gammaLow: "gamma-low"
            case .neutronHigh: "neutron-high"
            }
        return EventBody(
            kind: EventKind.radiationFault, observedAt: f.observedAt,
            data: [
                "fault": .string(name),
                "code": .string(f.code.rawValue),
                "active": .bool(f.active),
                "detectorCounts": .array(f.detectorCounts.map { .int(Int64($0)) }),
                "lines": .int(Int64(f.lines)),
            ],
            severity: f.active ? .warning : .info)
    }
}
