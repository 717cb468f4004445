import Foundation

/// What a radiation portal monitor driver reports, before normalization.
///
/// Counts are per detector, in the order the monitor lists its detectors.
public enum RadiationPortalReading: Sendable, Equatable {
    /// Background averaged over a reporting interval while the lane was empty.
    case background(BackgroundSummary)
    /// The first scan or alarm line of a vehicle (GS/GA/NS/NA): sent at once, so a vehicle exists in
    /// the lane from the moment it enters the portal, not only once it has left (GX).
    case occupancyStarted(OccupancyStart)
    /// The first alarm line of an occupancy: sent at once so operators see it before the vehicle leaves.
    case alarmStarted(AlarmStart)
    /// One vehicle passage, closed by the monitor's GX line.
    case occupancy(Occupancy)
    /// The monitor reports a detector fault (GH gamma high, GL gamma low, NH neutron high), or its end.
    case fault(Fault)
    /// Cabinet tamper switch opened (`TT`) or closed again (`TC`).
    case tamper(Tamper)
    /// A complete block of setup lines (SG1..SG3 or SN1..SN2): thresholds and operating parameters.
    case setup(Setup)

    /// The device's clock for the reading, when the feed carries one.
    public var observedAt: Date? {
        switch self {
        case .background(let b): b.observedAt
        case .occupancyStarted(let s): s.startedAt
        case .alarmStarted(let a): a.observedAt
        case .occupancy(let o): o.endedAt
        case .fault(let f): f.observedAt
        case .tamper(let t): t.observedAt
        case .setup(let s): s.observedAt
        }
    }

    public struct BackgroundSummary: Sendable, Equatable {
        public var observedAt: Date?
        public var windowStartedAt: Date?
        /// Mean gamma counts per second, summed over detectors.
        public var gammaCps: Double?
        /// Mean neutron counts per second, summed over detectors.
        public var neutronCps: Double?
        /// Mean per detector.
        public var gammaDetectorsCps: [Double]
        public var neutronDetectorsCps: [Double]
        public var gammaLines: Int
        public var neutronLines: Int

        public init(
            observedAt: Date?, windowStartedAt: Date?, gammaCps: Double?, neutronCps: Double?,
            gammaDetectorsCps: [Double], neutronDetectorsCps: [Double], gammaLines: Int, neutronLines: Int
        ) {
            self.observedAt = observedAt
            self.windowStartedAt = windowStartedAt
            self.gammaCps = gammaCps
            self.neutronCps = neutronCps
            self.gammaDetectorsCps = gammaDetectorsCps
            self.neutronDetectorsCps = neutronDetectorsCps
            self.gammaLines = gammaLines
            self.neutronLines = neutronLines
        }
    }

    public struct OccupancyStart: Sendable, Equatable {
        /// The time of the line that opened the occupancy; the `startedAt` its GX will report.
        public var startedAt: Date?

        public init(startedAt: Date?) {
            self.startedAt = startedAt
        }
    }

    public struct AlarmStart: Sendable, Equatable {
        public enum Radiation: String, Sendable, Equatable { case gamma, neutron }
        public var observedAt: Date?
        public var radiation: Radiation
        /// Counts per second per detector in the alarming sample.
        public var detectorsCps: [Double]

        public init(observedAt: Date?, radiation: Radiation, detectorsCps: [Double]) {
            self.observedAt = observedAt
            self.radiation = radiation
            self.detectorsCps = detectorsCps
        }
    }

    public struct Occupancy: Sendable, Equatable {
        /// The monitor's running occupancy counter (GX field 1).
        public var number: Int?
        public var startedAt: Date?
        public var endedAt: Date?
        public var gammaAlarm: Bool
        public var neutronAlarm: Bool
        /// Highest single-detector gamma rate seen in any sample, counts per second.
        public var maxGammaCps: Double?
        public var maxNeutronCps: Double?
        /// Gamma background (sum over detectors) in force when the vehicle entered.
        public var gammaBackgroundCps: Double?
        /// Neutron background the monitor reports on its GX line.
        public var neutronBackgroundCps: Double?
        public var speedKmh: Double?
        public var gammaSamples: Int
        public var neutronSamples: Int
        /// True when the GX arrived without the occupancy's start (hub started mid-passage, lines lost).
        public var partial: Bool

        public init(
            number: Int?, startedAt: Date?, endedAt: Date?, gammaAlarm: Bool, neutronAlarm: Bool,
            maxGammaCps: Double?, maxNeutronCps: Double?, gammaBackgroundCps: Double?,
            neutronBackgroundCps: Double?, speedKmh: Double?, gammaSamples: Int, neutronSamples: Int,
            partial: Bool
        ) {
            self.number = number
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.gammaAlarm = gammaAlarm
            self.neutronAlarm = neutronAlarm
            self.maxGammaCps = maxGammaCps
            self.maxNeutronCps = maxNeutronCps
            self.gammaBackgroundCps = gammaBackgroundCps
            self.neutronBackgroundCps = neutronBackgroundCps
            self.speedKmh = speedKmh
            self.gammaSamples = gammaSamples
            self.neutronSamples = neutronSamples
            self.partial = partial
        }
    }

    public struct Fault: Sendable, Equatable {
        public enum Code: String, Sendable, Equatable {
            case gammaHigh = "GH", gammaLow = "GL", neutronHigh = "NH"
        }
        public var observedAt: Date?
        public var code: Code
        /// False for the reading that says the fault has cleared.
        public var active: Bool
        public var detectorCounts: [Int]
        /// How many fault lines the monitor sent since the last fault reading.
        public var lines: Int

        public init(observedAt: Date?, code: Code, active: Bool, detectorCounts: [Int], lines: Int) {
            self.observedAt = observedAt
            self.code = code
            self.active = active
            self.detectorCounts = detectorCounts
            self.lines = lines
        }
    }

    public struct Tamper: Sendable, Equatable {
        public var observedAt: Date?
        public var tampered: Bool

        public init(observedAt: Date?, tampered: Bool) {
            self.observedAt = observedAt
            self.tampered = tampered
        }
    }

    public struct Setup: Sendable, Equatable {
        public var observedAt: Date?
        /// `gamma` or `neutron`.
        public var radiation: String
        /// The setup lines' fields, code by code (`SG1` → fields), as the monitor sent them.
        public var fields: [String: [String]]

        public init(observedAt: Date?, radiation: String, fields: [String: [String]]) {
            self.observedAt = observedAt
            self.radiation = radiation
            self.fields = fields
        }
    }
}
