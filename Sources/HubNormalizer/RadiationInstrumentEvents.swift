import Foundation
import HubModel

/// Event kinds of an N42.42 radiation instrument: `radiation.measurement` (one per measurement) and
/// `radiation.alarm` (an instrument alarm or identified nuclides).
enum RadiationInstrumentEvents {
    typealias Reading = RadiationInstrumentReading

    static func body(for reading: Reading) -> EventBody {
        switch reading {
        case .measurement(let m): measurement(m)
        case .alarm(let a): alarm(a)
        }
    }

    private static func measurement(_ m: Reading.Measurement) -> EventBody {
        var p = RadiationMeasurementPayload(
            standard: m.standard.rawValue, measurementId: m.id, measurementIndex: m.index, measurementCount: m.count,
            alarmed: m.alarmed, instrument: m.instrument, detectors: m.detectors,
            spectra: m.spectra.map { s in
                var s = s
                s.liveTimeS = s.liveTimeS?.decimalRounded(6)
                s.realTimeS = s.realTimeS?.decimalRounded(6)
                return s
            },
            grossCounts: m.grossCounts.map { g in
                var g = g
                g.counts = g.counts.decimalRounded(6)
                g.liveTimeS = g.liveTimeS?.decimalRounded(6)
                return g
            })
        p.measurementClass = m.classCode
        p.startedAt = m.startedAt
        p.realTimeS = m.realTimeS?.decimalRounded(6)
        p.liveTimeS = (m.spectra.compactMap(\.liveTimeS).max() ?? m.grossCounts.compactMap(\.liveTimeS).max())?.decimalRounded(6)
        // Totals per radiation, and rates where a live time allows: what a dashboard plots.
        for radiation in ["gamma", "neutron"] {
            var counts = 0.0, live = 0.0, any = false
            for s in m.spectra where (s.category ?? "gamma").lowercased() == radiation {
                counts += s.totalCounts
                live = max(live, s.liveTimeS ?? 0)
                any = true
            }
            for g in m.grossCounts where (g.category ?? "").lowercased() == radiation {
                counts += g.counts
                live = max(live, g.liveTimeS ?? m.realTimeS ?? 0)
                any = true
            }
            guard any else { continue }
            let cps = live > 0 ? (counts / live).decimalRounded() : nil
            if radiation == "gamma" {
                (p.gammaCounts, p.gammaCps) = (counts.decimalRounded(6), cps)
            } else {
                (p.neutronCounts, p.neutronCps) = (counts.decimalRounded(6), cps)
            }
        }
        if !m.doseRates.isEmpty {
            p.doseRateUSvH = (m.doseRates.map(\.uSvPerH).max() ?? 0).decimalRounded(6)
            p.doseRates = m.doseRates.map { Reading.DoseRate(detector: $0.detector, uSvPerH: $0.uSvPerH.decimalRounded(6)) }
        }
        if let lat = m.latitude, let lon = m.longitude, (-90...90).contains(lat), (-180...180).contains(lon) {
            (p.lat, p.lon, p.altitudeM) = (lat, lon, m.altitudeM)
        }
        if !m.warnings.isEmpty { p.warnings = m.warnings }
        return EventBody(kind: EventKind.radiationMeasurement, observedAt: m.startedAt, payload: p, severity: .info)
    }

    private static func alarm(_ a: Reading.Alarm) -> EventBody {
        EventBody(
            kind: EventKind.radiationAlarm, observedAt: a.observedAt,
            payload: RadiationAlarmPayload(
                instrument: a.instrument, radiation: a.radiation, measurements: a.measurements, detectors: a.detectors,
                nuclides: a.nuclides.map { .init(name: $0.name, confidence: $0.confidence, category: $0.category) },
                description: a.description, algorithm: a.algorithm),
            severity: .alarm)
    }
}
