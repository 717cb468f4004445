import Foundation
import HubModel

/// ANSI N42.42-2012 (`RadInstrumentData`): one measurement per `RadMeasurement`; detectors and
/// energy calibrations are declared once and referenced by id; `AnalysisResults` carry alarms and
/// identified nuclides.
struct N42Reader2012 {
    typealias Reading = RadiationInstrumentReading
    let parts: [N42Element]
    let common: N42Common

    func read() -> N42Document {
        var instrument = Reading.Instrument()
        var detectors: [String: Reading.Detector] = [:]
        var calibrations: [String: [Double]] = [:]
        for p in parts {
            switch p.name {
            case "RadInstrumentInformation": instrument = Self.instrument(p)
            case "RadDetectorInformation":
                let id = p.attribute("id") ?? p.value("RadDetectorName") ?? "detector-\(detectors.count + 1)"
                detectors[id] = Reading.Detector(
                    name: p.value("RadDetectorName") ?? id, category: p.value("RadDetectorCategoryCode"),
                    kind: p.value("RadDetectorKindCode"), description: p.value("RadDetectorDescription"))
            case "EnergyCalibration":
                if let id = p.attribute("id"), let c = p.value("CoefficientValues").flatMap(N42Values.numbers) {
                    calibrations[id] = c
                }
            default: break
            }
        }
        var measurements: [Reading.Measurement] = []
        for p in parts where p.name == "RadMeasurement" {
            measurements.append(
                measurement(p, instrument: instrument, detectors: detectors, calibrations: calibrations,
                            position: measurements.count + 1))
        }
        var alarms: [Reading.Alarm] = []
        for p in parts where p.name == "AnalysisResults" {
            alarms += analysis(p, instrument: instrument, detectors: detectors, measurements: measurements)
        }
        let alarmed = Set(alarms.flatMap(\.measurements))
        for i in measurements.indices where alarmed.contains(measurements[i].id) { measurements[i].alarmed = true }
        return N42Document(standard: .n42_2012, measurements: measurements, alarms: alarms, warnings: [])
    }

    static func instrument(_ p: N42Element) -> Reading.Instrument {
        var versions: [String: String] = [:]
        for v in p.all("RadInstrumentVersion") {
            if let name = v.value("RadInstrumentComponentName") {
                versions[name] = v.value("RadInstrumentComponentVersion") ?? ""
            }
        }
        return Reading.Instrument(
            manufacturer: p.value("RadInstrumentManufacturerName"), model: p.value("RadInstrumentModelName"),
            identifier: p.value("RadInstrumentIdentifier"), classCode: p.value("RadInstrumentClassCode"),
            versions: versions)
    }

    private func measurement(
        _ p: N42Element, instrument: Reading.Instrument, detectors: [String: Reading.Detector],
        calibrations: [String: [Double]], position: Int
    ) -> Reading.Measurement {
        let id = p.attribute("id") ?? "RadMeasurement-\(position)"
        var warnings: [String] = []
        let realTime = common.duration(p.value("RealTimeDuration"), "real time", warnings: &warnings)
        var m = Reading.Measurement(
            standard: .n42_2012, id: id, index: position, count: 0, classCode: p.value("MeasurementClassCode"),
            startedAt: common.time(p.value("StartDateTime"), "start time", warnings: &warnings),
            realTimeS: realTime, instrument: instrument)
        var used: [String] = []
        func use(_ ref: String?) -> Reading.Detector? {
            guard let ref else { return nil }
            if !used.contains(ref) { used.append(ref) }
            return detectors[ref]
        }
        for s in p.all("Spectrum") {
            let ref = s.attribute("radDetectorInformationReference")
            let det = use(ref)
            guard let data = s.child("ChannelData"), let channels = common.channels(data, warnings: &warnings) else {
                continue
            }
            let live = common.duration(s.value("LiveTimeDuration"), "live time", warnings: &warnings)
            common.checkTimes(live: live, real: realTime, warnings: &warnings)
            let cal = s.attribute("energyCalibrationReference").flatMap { calibrations[$0] }
            m.spectra.append(
                Reading.Spectrum(
                    detector: det?.name ?? ref, category: det?.category, liveTimeS: live, realTimeS: realTime,
                    channels: channels, energyCalibration: cal))
        }
        for g in p.all("GrossCounts") {
            let ref = g.attribute("radDetectorInformationReference")
            let det = use(ref)
            guard let counts = g.value("CountData").flatMap(N42Values.numbers) else { continue }
            let live = common.duration(g.value("LiveTimeDuration"), "live time", warnings: &warnings)
            m.grossCounts.append(
                Reading.GrossCount(
                    detector: det?.name ?? ref, category: det?.category, counts: counts.reduce(0, +), liveTimeS: live))
        }
        for d in p.all("DoseRate") {
            let ref = d.attribute("radDetectorInformationReference")
            let det = use(ref)
            // N42.42-2012 fixes the unit of DoseRateValue: µSv/h.
            guard let v = d.value("DoseRateValue").flatMap(Double.init), v.isFinite else { continue }
            m.doseRates.append(Reading.DoseRate(detector: det?.name ?? ref, uSvPerH: v))
        }
        if let point = p.descendants("GeographicPoint").first {
            m.latitude = point.value("LatitudeValue").flatMap(Double.init)
            m.longitude = point.value("LongitudeValue").flatMap(Double.init)
            m.altitudeM = point.value("ElevationValue").flatMap(Double.init)
        }
        m.detectors = used.map { detectors[$0] ?? Reading.Detector(name: $0) }
        m.warnings = warnings
        return m
    }

    private func analysis(
        _ p: N42Element, instrument: Reading.Instrument, detectors: [String: Reading.Detector],
        measurements: [Reading.Measurement]
    ) -> [Reading.Alarm] {
        let refs = (p.attribute("radMeasurementReferences") ?? "").split(separator: " ").map(String.init)
        let concerned = measurements.filter { refs.contains($0.id) }
        let fallbackTime = (concerned.isEmpty ? measurements : concerned).compactMap(\.startedAt).max()
        var ignored: [String] = []
        let nuclides = p.descendants("Nuclide").compactMap { n -> Reading.Nuclide? in
            guard let name = n.value("NuclideName"), n.value("NuclideIdentifiedIndicator") != "false" else { return nil }
            let confidence =
                n.value("NuclideIDConfidenceValue").flatMap(Double.init)
                ?? n.value("NuclideIDConfidenceIndication").flatMap(Double.init)
            return Reading.Nuclide(name: name, confidence: confidence, category: n.value("NuclideCategoryDescription"))
        }
        var alarms: [Reading.Alarm] = []
        for a in p.all("RadAlarm") {
            let category = (a.value("RadAlarmCategoryCode") ?? "Gamma").lowercased()
            let dets = (a.attribute("radDetectorInformationReferences") ?? "").split(separator: " ").map {
                detectors[String($0)]?.name ?? String($0)
            }
            alarms.append(
                Reading.Alarm(
                    observedAt: common.time(a.value("RadAlarmDateTime"), "alarm time", warnings: &ignored)
                        ?? fallbackTime,
                    radiation: category == "neutron" ? "neutron" : "gamma", measurements: refs, detectors: dets,
                    description: a.value("RadAlarmDescription"), instrument: instrument,
                    algorithm: p.value("AnalysisAlgorithmName")))
        }
        guard !nuclides.isEmpty else { return alarms }
        // Identified nuclides belong with the gamma alarm when there is one; alone, they are the alarm.
        if let i = alarms.firstIndex(where: { $0.radiation == "gamma" }) {
            alarms[i].nuclides = nuclides
        } else {
            alarms.append(
                Reading.Alarm(
                    observedAt: fallbackTime, radiation: "gamma", measurements: refs,
                    description: "nuclides identified", nuclides: nuclides, instrument: instrument,
                    algorithm: p.value("AnalysisAlgorithmName")))
        }
        return alarms
    }
}
