import Foundation

/// What a radiation instrument reports in an ANSI N42.42 document (2006 or 2012), before normalization.
public enum RadiationInstrumentReading: Sendable, Equatable {
    /// One measurement: a 2012 `RadMeasurement`, or a 2006 `DetectorData` time slice.
    case measurement(Measurement)
    /// An alarm or identified nuclides the instrument reports for the document or a measurement.
    case alarm(Alarm)

    public var observedAt: Date? {
        switch self {
        case .measurement(let m): m.startedAt
        case .alarm(let a): a.observedAt
        }
    }

    /// Which edition of the standard a document follows.
    public enum Standard: String, Sendable, Equatable {
        case n42_2006 = "N42.42-2006"
        case n42_2012 = "N42.42-2012"
    }

    /// The instrument as the document describes it; every field is optional in real files.
    public struct Instrument: Sendable, Equatable {
        public var manufacturer: String?
        public var model: String?
        public var identifier: String?
        public var classCode: String?
        /// Component name → version (hardware, firmware, software).
        public var versions: [String: String]

        public init(
            manufacturer: String? = nil, model: String? = nil, identifier: String? = nil, classCode: String? = nil,
            versions: [String: String] = [:]
        ) {
            self.manufacturer = manufacturer
            self.model = model
            self.identifier = identifier
            self.classCode = classCode
            self.versions = versions
        }
    }

    /// A detector of the instrument: its id or name, and what it detects.
    public struct Detector: Sendable, Equatable {
        public var name: String
        /// `Gamma`, `Neutron`, … (2012 `RadDetectorCategoryCode`, 2006 `DetectorType`).
        public var category: String?
        /// Crystal or tube kind (`NaI`, `CsI`, `HPGe`, `He3`, …).
        public var kind: String?
        public var description: String?

        public init(name: String, category: String? = nil, kind: String? = nil, description: String? = nil) {
            self.name = name
            self.category = category
            self.kind = kind
            self.description = description
        }
    }

    /// One detector's spectrum, channels expanded from CountedZeroes.
    public struct Spectrum: Sendable, Equatable {
        public var detector: String?
        /// The detector's category (`Gamma`, …), when the document says.
        public var category: String?
        public var liveTimeS: Double?
        public var realTimeS: Double?
        public var channels: [Double]
        /// Polynomial energy calibration coefficients (keV), when the document gives them.
        public var energyCalibration: [Double]?

        public init(
            detector: String?, category: String? = nil, liveTimeS: Double?, realTimeS: Double?, channels: [Double],
            energyCalibration: [Double]?
        ) {
            self.detector = detector
            self.category = category
            self.liveTimeS = liveTimeS
            self.realTimeS = realTimeS
            self.channels = channels
            self.energyCalibration = energyCalibration
        }

        public var totalCounts: Double { channels.reduce(0, +) }
    }

    /// A count without a spectrum (neutron tubes, gross gamma).
    public struct GrossCount: Sendable, Equatable {
        public var detector: String?
        /// `Gamma`, `Neutron`, … when the document says.
        public var category: String?
        public var counts: Double
        public var liveTimeS: Double?

        public init(detector: String?, category: String? = nil, counts: Double, liveTimeS: Double?) {
            self.detector = detector
            self.category = category
            self.counts = counts
            self.liveTimeS = liveTimeS
        }
    }

    /// A dose rate, converted to microsieverts per hour.
    public struct DoseRate: Sendable, Equatable {
        public var detector: String?
        public var uSvPerH: Double

        public init(detector: String?, uSvPerH: Double) {
            self.detector = detector
            self.uSvPerH = uSvPerH
        }
    }

    public struct Measurement: Sendable, Equatable {
        public var standard: Standard
        /// The measurement's id in the document (2012), or its 1-based position.
        public var id: String
        /// 1-based position among the document's measurements, and how many there are.
        public var index: Int
        public var count: Int
        /// `Foreground`, `Background`, `IntrinsicActivity`, … (2006: the spectrum's `SourceType`).
        public var classCode: String?
        public var startedAt: Date?
        public var realTimeS: Double?
        public var instrument: Instrument
        /// The detectors this measurement has data from.
        public var detectors: [Detector]
        public var spectra: [Spectrum]
        public var grossCounts: [GrossCount]
        public var doseRates: [DoseRate]
        public var latitude: Double?
        public var longitude: Double?
        public var altitudeM: Double?
        /// The instrument flagged this measurement as alarming.
        public var alarmed: Bool
        /// What a careful reader had to accept or repair in the document (odd time offsets, undeclared
        /// namespace prefixes, live time above real time, …).
        public var warnings: [String]

        public init(
            standard: Standard, id: String, index: Int, count: Int, classCode: String? = nil, startedAt: Date? = nil,
            realTimeS: Double? = nil, instrument: Instrument = Instrument(), detectors: [Detector] = [],
            spectra: [Spectrum] = [], grossCounts: [GrossCount] = [], doseRates: [DoseRate] = [],
            latitude: Double? = nil, longitude: Double? = nil, altitudeM: Double? = nil, alarmed: Bool = false,
            warnings: [String] = []
        ) {
            self.standard = standard
            self.id = id
            self.index = index
            self.count = count
            self.classCode = classCode
            self.startedAt = startedAt
            self.realTimeS = realTimeS
            self.instrument = instrument
            self.detectors = detectors
            self.spectra = spectra
            self.grossCounts = grossCounts
            self.doseRates = doseRates
            self.latitude = latitude
            self.longitude = longitude
            self.altitudeM = altitudeM
            self.alarmed = alarmed
            self.warnings = warnings
        }
    }

    /// An identified nuclide.
    public struct Nuclide: Sendable, Equatable {
        public var name: String
        /// Confidence as the instrument gives it (a number, often 0–100), when it is one.
        public var confidence: Double?
        public var category: String?

        public init(name: String, confidence: Double? = nil, category: String? = nil) {
            self.name = name
            self.confidence = confidence
            self.category = category
        }
    }

    public struct Alarm: Sendable, Equatable {
        public var observedAt: Date?
        /// `gamma` or `neutron`.
        public var radiation: String
        /// Measurements the alarm concerns (ids), empty when it concerns the whole document.
        public var measurements: [String]
        public var detectors: [String]
        public var description: String?
        public var nuclides: [Nuclide]
        public var instrument: Instrument
        public var algorithm: String?

        public init(
            observedAt: Date?, radiation: String, measurements: [String] = [], detectors: [String] = [],
            description: String? = nil, nuclides: [Nuclide] = [], instrument: Instrument = Instrument(),
            algorithm: String? = nil
        ) {
            self.observedAt = observedAt
            self.radiation = radiation
            self.measurements = measurements
            self.detectors = detectors
            self.description = description
            self.nuclides = nuclides
            self.instrument = instrument
            self.algorithm = algorithm
        }
    }
}
