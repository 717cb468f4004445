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
        var data: [String: JSONValue] = [
            "standard": .string(m.standard.rawValue),
            "measurementId": .string(m.id),
            "measurementIndex": .int(Int64(m.index)),
            "measurementCount": .int(Int64(m.count)),
            "alarmed": .bool(m.alarmed),
            "instrument": instrument(m.instrument),
            "detectors": .array(m.detectors.map(detector)),
            "spectra": .array(m.spectra.map(spectrum)),
            "grossCounts": .array(m.grossCounts.map(grossCount)),
        ]
        if let c = m.classCode { data["measurementClass"] = .string(c) }
        if let s = m.startedAt { data["startedAt"] = .timestamp(s) }
        if let r = m.realTimeS { data["realTimeS"] = .rounded(r, 6) }
        if let live = m.spectra.compactMap(\.liveTimeS).max() ?? m.grossCounts.compactMap(\.liveTimeS).max() {
            data["liveTimeS"] = .rounded(live, 6)
        }
        // Totals per radiation, and rates where a live time allows: what a dashboard plots.
        for (radiation, key) in [("gamma", "gamma"), ("neutron", "neutron")] {
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
            data["\(key)Counts"] = .rounded(counts, 6)
            if live > 0 { data["\(key)Cps"] = .rounded(counts / live) }
        }
        if !m.doseRates.isEmpty {
            data["doseRateUSvH"] = .rounded(m.doseRates.map(\.uSvPerH).max() ?? 0, 6)
            data["doseRates"] = .array(
                m.doseRates.map { d in
                    var o: [String: JSONValue] = ["doseRateUSvH": .rounded(d.uSvPerH, 6)]
                    if let det = d.detector { o["detector"] = .string(det) }
                    return .object(o)
                })
        }
        if let lat = m.latitude, let lon = m.longitude, (-90...90).contains(lat), (-180...180).contains(lon) {
            data["lat"] = .double(lat)
            data["lon"] = .double(lon)
            if let alt = m.altitudeM { data["altitudeM"] = .double(alt) }
        }
        if !m.warnings.isEmpty { data["warnings"] = .array(m.warnings.map { .string($0) }) }
        return EventBody(kind: EventKind.radiationMeasurement, observedAt: m.startedAt, data: data, severity: .info)
    }

    private static func alarm(_ a: Reading.Alarm) -> EventBody {
        var data: [String: JSONValue] = [
            "radiation": .string(a.radiation),
            "source": "instrument",
            "measurements": .array(a.measurements.map { .string($0) }),
            "detectors": .array(a.detectors.map { .string($0) }),
            "nuclides": .array(
                a.nuclides.map { n in
                    var o: [String: JSONValue] = ["name": .string(n.name)]
                    if let c = n.confidence { o["confidence"] = .double(c) }
                    if let c = n.category { o["category"] = .string(c) }
                    return .object(o)
                }),
            "instrument": instrument(a.instrument),
        ]
        if let d = a.description { data["description"] = .string(d) }
        if let alg = a.algorithm { data["algorithm"] = .string(alg) }
        return EventBody(kind: EventKind.radiationAlarm, observedAt: a.observedAt, data: data, severity: .alarm)
    }

    private static func instrument(_ i: Reading.Instrument) -> JSONValue {
        var o: [String: JSONValue] = [:]
        if let v = i.manufacturer { o["manufacturer"] = .string(v) }
        if let v = i.model { o["model"] = .string(v) }
        if let v = i.identifier { o["identifier"] = .string(v) }
        if let v = i.classCode { o["class"] = .string(v) }
        if !i.versions.isEmpty { o["versions"] = .object(i.versions.mapValues { .string($0) }) }
        return .object(o)
    }

    private static func detector(_ d: Reading.Detector) -> JSONValue {
        var o: [String: JSONValue] = ["name": .string(d.name)]
        if let v = d.category { o["category"] = .string(v) }
        if let v = d.kind { o["kind"] = .string(v) }
        if let v = d.description { o["description"] = .string(v) }
        return .object(o)
    }

    private static func spectrum(_ s: Reading.Spectrum) -> JSONValue {
        var o: [String: JSONValue] = [
            "channelCount": .int(Int64(s.channels.count)),
            "totalCounts": .rounded(s.totalCounts, 6),
            "channels": .array(s.channels.map { $0 == $0.rounded() && abs($0) < 1e15 ? .int(Int64($0)) : .double($0) }),
        ]
        if let v = s.detector { o["detector"] = .string(v) }
        if let v = s.category { o["category"] = .string(v) }
        if let v = s.liveTimeS { o["liveTimeS"] = .rounded(v, 6) }
        if let v = s.realTimeS { o["realTimeS"] = .rounded(v, 6) }
        if let c = s.energyCalibration { o["energyCalibration"] = .array(c.map { .double($0) }) }
        return .object(o)
    }

    private static func grossCount(_ g: Reading.GrossCount) -> JSONValue {
        var o: [String: JSONValue] = ["counts": .rounded(g.counts, 6)]
        if let v = g.detector { o["detector"] = .string(v) }
        if let v = g.category { o["category"] = .string(v) }
        if let v = g.liveTimeS { o["liveTimeS"] = .rounded(v, 6) }
        return .object(o)
    }
}
