/// Every kind of inspection event (`InspectionEvent.kind`), named once. The values are the wire
/// contract (schema `niihub.event/1`); code names a kind through these, never by a literal, so a
/// renamed kind is a compile error in every consumer.
public enum EventKind {
    // Radiation portal monitors and instruments.
    /// A vehicle's front entered the portal (its first occupied line).
    public static let occupancyStart = "radiation.occupancy-start"
    /// A vehicle's rear left the portal: the occupancy with its alarms.
    public static let occupancy = "radiation.occupancy"
    public static let radiationAlarm = "radiation.alarm"
    public static let radiationMeasurement = "radiation.measurement"
    public static let radiationBackground = "radiation.background"
    public static let radiationFault = "radiation.fault"

    // Cameras, scanners, seals and trackers.
    public static let ocrRead = "ocr.read"
    public static let scanResult = "scan.result"
    /// An image analyst's verdict on a scan (the first, or the second analyst's).
    public static let scanVerdict = "scan.verdict"
    public static let gpsFix = "gps.fix"
    public static let sealStatus = "seal.status"
    public static let sealTamper = "seal.tamper"
    /// A command the hub sent a GPS e-seal or tracker (unlock, lock, position) and what became of it.
    public static let sealCommand = "seal.command"
    /// A trace or narcotics detector found a substance on a sample (substance, channel, amplitude).
    public static let traceAlarm = "trace.alarm"
    /// A trace detector's sample was clear.
    public static let traceClear = "trace.clear"

    // Devices themselves.
    public static let deviceStatus = "device.status"
    public static let deviceTamper = "device.tamper"
    public static let deviceConfig = "device.config"

    // Written by the hub's correlation stages.
    /// A vehicle's passage through a lane (each revision is one event).
    public static let passage = "gate.passage"
    /// An operator's decision on an ambiguous passage.
    public static let passageResolution = "gate.passage-resolution"
    public static let riskAssessment = "risk.assessment"
    public static let transitDeviation = "transit.deviation"
    public static let transitSeal = "transit.seal"
    public static let transitOverdue = "transit.overdue"
    public static let transitStop = "transit.stop"
    public static let transitSignalLost = "transit.signal-lost"
    /// A partner administration's signed inspection package, received and verified.
    public static let packageReceived = "package.received"

    /// Every kind named here (the transit findings beyond the five above come from the watch).
    public static let all: [String] = [
        occupancyStart, occupancy, radiationAlarm, radiationMeasurement, radiationBackground, radiationFault, ocrRead, scanResult,
        scanVerdict, gpsFix, sealStatus, sealTamper, sealCommand, traceAlarm, traceClear, deviceStatus, deviceTamper, deviceConfig, passage, passageResolution, riskAssessment,
        transitDeviation, transitSeal, transitOverdue, transitStop, transitSignalLost, packageReceived,
    ]

    /// A transit watch finding (`deviation`, `returned`, `stop`, `seal`, `signal-lost`, …).
    public static func transit(_ finding: String) -> String { "transit." + finding }
}
