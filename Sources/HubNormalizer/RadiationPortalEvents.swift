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
                kind: EventKind.deviceTamper, observedAt: t.observedAt, payload: TamperPayload(tampered: t.tampered),
                severity: t.tampered ? .alarm : .info)
        case .setup(let s):
            EventBody(
                kind: EventKind.deviceConfig, observedAt: s.observedAt,
                payload: DeviceConfigPayload(radiation: s.radiation, setup: s.fields), severity: .info)
        }
    }

    private static func background(_ b: RadiationPortalReading.BackgroundSummary, _ limits: [String: Double])
        -> EventBody
    {
        // Background outside the profile's band means a detector or shielding problem, not a threat.
        typealias Band = RadiationBackgroundPayload.OutOfBand
        var outOfBand: [Band] = []
        if let g = b.gammaCps, let hi = limits["gammaBackgroundHighCps"], g > hi { outOfBand.append(.gammaHigh) }
        if let g = b.gammaCps, let lo = limits["gammaBackgroundLowCps"], g < lo { outOfBand.append(.gammaLow) }
        if let n = b.neutronCps, let hi = limits["neutronBackgroundHighCps"], n > hi { outOfBand.append(.neutronHigh) }
        let payload = RadiationBackgroundPayload(
            gammaLines: b.gammaLines, neutronLines: b.neutronLines,
            gammaDetectorsCps: b.gammaDetectorsCps.map { $0.decimalRounded() },
            neutronDetectorsCps: b.neutronDetectorsCps.map { $0.decimalRounded() }, gammaCps: b.gammaCps?.decimalRounded(),
            neutronCps: b.neutronCps?.decimalRounded(), windowStartedAt: b.windowStartedAt,
            outOfBand: outOfBand.isEmpty ? nil : outOfBand)
        return EventBody(
            kind: EventKind.radiationBackground, observedAt: b.observedAt, payload: payload,
            severity: outOfBand.isEmpty ? .info : .warning)
    }

    /// A vehicle entered the portal: it places the vehicle in the lane's order at once. Never an alarm:
    /// the vehicle's alarm is `radiation.alarm`, its verdict `radiation.occupancy` at the end.
    private static func occupancyStart(_ o: RadiationPortalReading.OccupancyStart) -> EventBody {
        EventBody(
            kind: EventKind.occupancyStart, observedAt: o.startedAt, payload: OccupancyStartPayload(startedAt: o.startedAt),
            severity: .info)
    }

    private static func alarm(_ a: RadiationPortalReading.AlarmStart) -> EventBody {
        EventBody(
            kind: EventKind.radiationAlarm, observedAt: a.observedAt,
            payload: RadiationAlarmPayload(
                portal: a.radiation.rawValue, detectorsCps: a.detectorsCps.map { $0.decimalRounded() },
                peakCps: (a.detectorsCps.max() ?? 0).decimalRounded()),
            severity: .alarm)
    }

    private static func occupancy(_ o: RadiationPortalReading.Occupancy) -> EventBody {
        let payload = OccupancyPayload(
            gammaAlarm: o.gammaAlarm, neutronAlarm: o.neutronAlarm, gammaSamples: o.gammaSamples,
            neutronSamples: o.neutronSamples, partial: o.partial, occupancyNumber: o.number, startedAt: o.startedAt,
            endedAt: o.endedAt, durationS: o.startedAt.flatMap { s in o.endedAt.map { $0.timeIntervalSince(s).decimalRounded() } },
            maxGammaCps: o.maxGammaCps?.decimalRounded(), maxNeutronCps: o.maxNeutronCps?.decimalRounded(),
            gammaBackgroundCps: o.gammaBackgroundCps?.decimalRounded(),
            neutronBackgroundCps: o.neutronBackgroundCps?.decimalRounded(), speedKmh: o.speedKmh?.decimalRounded())
        return EventBody(
            kind: EventKind.occupancy, observedAt: o.endedAt, payload: payload,
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
            payload: RadiationFaultPayload(
                fault: name, code: f.code.rawValue, active: f.active, detectorCounts: f.detectorCounts, lines: f.lines),
            severity: f.active ? .warning : .info)
    }
}
