import Foundation
import HubModel

/// ANSI N42.42-2006 (`N42InstrumentData`): `Measurement`s (possibly inside `Event` wrappers), each with
/// instrument information, a location and one or more `DetectorData` time slices; one measurement
/// per `DetectorData`. Calibrations may come anywhere in the document, even after the spectra.
struct N42Reader2006 {
    typealias Reading = RadiationInstrumentReading
    let parts: [N42Element]
    let common: N42Common

    /// A spectrum whose calibration is resolved once the whole document has been read.
    private struct Pending {
        var measurement: Reading.Measurement
        var calibrationIDs: [[String]]
    }

    func read() -> N42Document {
        var calibrations: [String: [Double]] = [:]
        var pending: [Pending] = []
        var alarms: [Reading.Alarm] = []
        var instrument = Reading.Instrument()
        for p in parts {
            for c in (p.name == "Calibration" ? [p] : []) + p.descendants("Calibration") {
                if let id = c.attribute("ID") ?? c.attribute("id"), (c.attribute("Type") ?? "Energy") == "Energy",
                    let coefficients = c.descendants("Coefficients").first.flatMap({ N42Values.numbers($0.text) })
                {
                    calibrations[id] = coefficients
                }
            }
            if p.name == "InstrumentInformation" { instrument = Self.instrument(p) }
            guard p.name == "Measurement" else { continue }
            if let info = p.child("InstrumentInformation") { instrument = Self.instrument(info) }
            let (slices, sliceAlarms) = measurement(p, instrument: instrument, firstIndex: pending.count + 1)
            pending += slices
            alarms += sliceAlarms
        }
        let measurements = pending.map { item -> Reading.Measurement in
            var m = item.measurement
            for i in m.spectra.indices where i < item.calibrationIDs.count {
                m.spectra[i].energyCalibration = item.calibrationIDs[i].lazy.compactMap { calibrations[$0] }.first
            }
            return m
        }
        return N42Document(standard: .n42_2006, measurements: measurements, alarms: alarms, warnings: [])
    }

    static func instrument(_ p: N42Element) -> Reading.Instrument {
        var versions: [String: String] = [:]
        if let v = p.value("InstrumentVersion") { versions["Instrument"] = v }
        return Reading.Instrument(
            manufacturer: p.value("Manufacturer"), model: p.value("InstrumentModel"),
            identifier: p.value("InstrumentID"), classCode: p.value("InstrumentType"), versions: versions)
    }

    private func measurement(_ p: N42Element, instrument: Reading.Instrument, firstIndex: Int)
        -> ([Pending], [Reading.Alarm])
    {
        var coordinates: [Double]?
        if let c = p.descendants("Coordinates").first { coordinates = N42Values.numbers(c.text) }
        let doses = p.all("CountDoseData")
        var out: [Pending] = []
        var alarms: [Reading.Alarm] = []
        let slices = p.all("DetectorData")
        for (k, data) in slices.enumerated() {
            var warnings: [String] = []
            let startText = data.value("StartTime")
            let realTime = common.duration(data.value("SampleRealTime"), "real time", warnings: &warnings)
            var m = Reading.Measurement(
                standard: .n42_2006, id: "DetectorData-\(firstIndex + k)", index: firstIndex + k, count: 0,
                startedAt: common.time(startText, "start time", warnings: &warnings), realTimeS: realTime,
                instrument: instrument)
            if let c = coordinates, c.count >= 2 {
                m.latitude = c[0]
                m.longitude = c[1]
                m.altitudeM = c.count > 2 ? c[2] : nil
            }
            var calibrationIDs: [[String]] = []
            var alarmedKinds: [String: [String]] = [:]
            for dm in data.all("DetectorMeasurement") {
                let name = dm.attribute("Detector") ?? "detector-\(m.detectors.count + 1)"
                let category = dm.attribute("DetectorType")
                if !m.detectors.contains(where: { $0.name == name && $0.category == category }) {
                    m.detectors.append(Reading.Detector(name: name, category: category))
                }
                for sm in dm.all("SpectrumMeasurement") {
                    if let flag = sm.value("Alarmed"), flag == "1" || flag.lowercased() == "true" {
                        alarmedKinds[(category ?? "Gamma").lowercased(), default: []].append(name)
                    }
                    for s in sm.all("Spectrum") {
                        guard let cd = s.child("ChannelData"), let channels = common.channels(cd, warnings: &warnings)
                        else { continue }
                        let live = common.duration(s.value("LiveTime"), "live time", warnings: &warnings)
                        let real = common.duration(s.value("RealTime"), "real time", warnings: &warnings) ?? realTime
                        common.checkTimes(live: live, real: real, warnings: &warnings)
                        if m.classCode == nil { m.classCode = s.value("SourceType").map(Self.classCode) }
                        m.spectra.append(
                            Reading.Spectrum(
                                detector: name, category: category, liveTimeS: live, realTimeS: real,
                                channels: channels, energyCalibration: nil))
                        // A calibration may be named by reference or embedded in the spectrum itself.
                        let named = (s.attribute("CalibrationIDs") ?? "").split(separator: " ").map(String.init)
                        calibrationIDs.append(named + s.all("Calibration").compactMap { $0.attribute("ID") ?? $0.attribute("id") })
                    }
                }
                for g in dm.all("GrossCountMeasurement") {
                    guard let counts = g.value("GrossCounts").flatMap(N42Values.numbers) else { continue }
                    let live = common.duration(g.value("LiveTime") ?? g.value("CountTime"), "live time", warnings: &warnings)
                    m.grossCounts.append(
                        Reading.GrossCount(detector: name, category: category, counts: counts.reduce(0, +), liveTimeS: live))
                }
                for d in dm.descendants("DoseRate") {
                    if let v = Double(d.text), let usv = N42Values.doseRateUSvH(v, units: d.attribute("Units")) {
                        m.doseRates.append(Reading.DoseRate(detector: name, uSvPerH: usv))
                    }
                }
            }
            // Dose rates sit beside the detector data; they belong to the slice with the same start.
            for d in doses where d.value("StartTime") == startText || slices.count == 1 {
                for rate in d.children where rate.name == "AbsorbedDoseRate" || rate.name == "DoseRate" {
                    if let v = Double(rate.text), let usv = N42Values.doseRateUSvH(v, units: rate.attribute("Units")) {
                        m.doseRates.append(Reading.DoseRate(detector: d.attribute("Detector"), uSvPerH: usv))
                    } else {
                        warnings.append("dose rate '\(rate.text.prefix(20))' \(rate.attribute("Units") ?? "") not understood")
                    }
                }
            }
            m.alarmed = !alarmedKinds.isEmpty
            m.warnings = warnings
            for (kind, dets) in alarmedKinds.sorted(by: { $0.key < $1.key }) {
                alarms.append(
                    Reading.Alarm(
                        observedAt: m.startedAt, radiation: kind == "neutron" ? "neutron" : "gamma",
                        measurements: [m.id], detectors: dets, description: "\(kind) alarm", instrument: instrument))
            }
            out.append(Pending(measurement: m, calibrationIDs: calibrationIDs))
        }
        let nuclides = p.descendants("Nuclide").compactMap { n -> Reading.Nuclide? in
            guard let name = n.value("NuclideName") else { return nil }
            return Reading.Nuclide(
                name: name, confidence: n.value("NuclideIDConfidenceIndication").flatMap(Double.init)
                    ?? n.value("NuclideIDConfidence").flatMap(Double.init),
                category: n.value("NuclideType"))
        }
        if !nuclides.isEmpty, let last = out.last?.measurement {
            if let i = alarms.lastIndex(where: { $0.radiation == "gamma" }) {
                alarms[i].nuclides = nuclides
            } else {
                alarms.append(
                    Reading.Alarm(
                        observedAt: last.startedAt, radiation: "gamma", measurements: [last.id],
                        description: "nuclides identified", nuclides: nuclides, instrument: instrument))
            }
        }
        return (out, alarms)
    }

    /// 2006 `SourceType` in the 2012 vocabulary of measurement classes.
    static func classCode(_ sourceType: String) -> String {
        switch sourceType {
        case "Item": "Foreground"
        case "Background": "Background"
        case "Calibration": "Calibration"
        default: sourceType
        }
    }
}
