import Foundation
import HubModel

/// An instrument's measurement as an ANSI N42.42-2012 document, the way a handheld or spectroscopic
/// portal writes one per measurement; for simulators and round-trip tests through `N42Driver`.
public enum N42MeasurementWriter {
    /// What one measurement holds.
    public struct Measurement: Sendable, Equatable {
        public var id: String
        public var instrumentID: String
        public var startedAt: Date
        public var realTimeS: Double
        /// Gamma spectrum channel counts (written as one `Spectrum`); their sum is the gamma gross count.
        public var gammaChannels: [Int]
        public var neutronCounts: Int
        public var doseRateUSvH: Double
        public var lat: Double?
        public var lon: Double?
        /// A nuclide named in a `RadAlarm`/`Nuclide` analysis when the instrument alarmed.
        public var alarmNuclide: String?
        /// The nuclide's identification confidence (0–100) and category (`Industrial`, `Medical`, `NORM`, `SNM`).
        public var nuclideConfidence: Double?
        public var nuclideCategory: String?
        /// The spectrum's energy calibration, keV: E = c0 + c1·ch + c2·ch² (ch counted from 0).
        public var energyCalibrationKeV: [Double]?

        public init(id: String, instrumentID: String, startedAt: Date, realTimeS: Double, gammaChannels: [Int],
                    neutronCounts: Int, doseRateUSvH: Double, lat: Double? = nil, lon: Double? = nil,
                    alarmNuclide: String? = nil) {
            self.id = id
            self.instrumentID = instrumentID
            self.startedAt = startedAt
            self.realTimeS = realTimeS
            self.gammaChannels = gammaChannels
            self.neutronCounts = neutronCounts
            self.doseRateUSvH = doseRateUSvH
            self.lat = lat
            self.lon = lon
            self.alarmNuclide = alarmNuclide
        }
    }

    /// The document's text (UTF-8 XML).
    public static func document(_ m: Measurement) -> String {
        let live = N42OccupancyExport.duration(m.realTimeS)
        var x = XMLWriter()
        x.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.open("RadInstrumentData", [("xmlns", N42Document.namespace2012), ("n42DocUUID", N42OccupancyExport.uuid(m.id)),
                                     ("n42DocDateTime", Timestamp.format(m.startedAt))])
        x.leaf("RadInstrumentDataCreatorName", "niisim")
        x.open("RadInstrumentInformation", [("id", "instrument")])
        x.leaf("RadInstrumentManufacturerName", "niisim")
        x.leaf("RadInstrumentIdentifier", m.instrumentID)
        x.leaf("RadInstrumentModelName", "simulated spectroscopic instrument")
        x.leaf("RadInstrumentClassCode", "Spectroscopic Personal Radiation Detector")
        x.close("RadInstrumentInformation")
        for (id, category) in [("gamma", "Gamma"), ("neutron", "Neutron")] {
            x.open("RadDetectorInformation", [("id", id)])
            x.leaf("RadDetectorCategoryCode", category)
            x.leaf("RadDetectorKindCode", id == "gamma" ? "NaI" : "He3")
            x.close("RadDetectorInformation")
        }
        if let c = m.energyCalibrationKeV {
            x.open("EnergyCalibration", [("id", "energy")])
            x.leaf("CoefficientValues", c.map { "\($0)" }.joined(separator: " "))
            x.close("EnergyCalibration")
        }
        x.open("RadMeasurement", [("id", m.id)])
        x.leaf("MeasurementClassCode", "Foreground")
        x.leaf("StartDateTime", Timestamp.format(m.startedAt))
        x.leaf("RealTimeDuration", live)
        x.open(
            "Spectrum",
            [("id", m.id + "-spectrum"), ("radDetectorInformationReference", "gamma")]
                + (m.energyCalibrationKeV != nil ? [("energyCalibrationReference", "energy")] : []))
        x.leaf("LiveTimeDuration", live)
        x.leaf("ChannelData", m.gammaChannels.map(String.init).joined(separator: " "))
        x.close("Spectrum")
        x.open("GrossCounts", [("id", m.id + "-neutron"), ("radDetectorInformationReference", "neutron")])
        x.leaf("LiveTimeDuration", live)
        x.leaf("CountData", String(m.neutronCounts))
        x.close("GrossCounts")
        x.open("DoseRate", [("id", m.id + "-dose"), ("radDetectorInformationReference", "gamma")])
        x.leaf("DoseRateValue", N42OccupancyExport.decimal(m.doseRateUSvH))
        x.close("DoseRate")
        if let lat = m.lat, let lon = m.lon {
            x.open("RadInstrumentState")
            x.open("StateVector")
            x.open("GeographicPoint")
            x.leaf("LatitudeValue", N42OccupancyExport.decimal(lat))
            x.leaf("LongitudeValue", N42OccupancyExport.decimal(lon))
            x.close("GeographicPoint")
            x.close("StateVector")
            x.close("RadInstrumentState")
        }
        x.close("RadMeasurement")
        if let nuclide = m.alarmNuclide {
            x.open("AnalysisResults", [("radMeasurementReferences", m.id)])
            x.open("RadAlarm", [("radDetectorInformationReferences", "gamma")])
            x.leaf("RadAlarmDateTime", Timestamp.format(m.startedAt))
            x.leaf("RadAlarmCategoryCode", "Gamma")
            x.close("RadAlarm")
            x.open("NuclideAnalysisResults")
            x.open("Nuclide")
            x.leaf("NuclideIdentifiedIndicator", "true")
            x.leaf("NuclideName", nuclide)
            if let c = m.nuclideConfidence { x.leaf("NuclideIDConfidenceValue", N42OccupancyExport.decimal(c)) }
            if let c = m.nuclideCategory { x.leaf("NuclideCategoryDescription", c) }
            x.close("Nuclide")
            x.close("NuclideAnalysisResults")
            x.close("AnalysisResults")
        }
        x.close("RadInstrumentData")
        return x.text
    }
}
