import Foundation
import HubModel

/// One vehicle's crossing of a lane: the portal monitor's occupancy, the cameras' reads, the scan
/// and the seal reads that belong to it, what was missing, and what it may share with another vehicle.
public struct Passage: Sendable, Equatable {
    /// Stable across revisions: the id of the event that opened the vehicle (the portal's occupancy
    /// start, else its occupancy, else the first read of a lane without a portal).
    public var id: String
    /// 1 when first stored; each later change (late evidence, an operator's resolution) is one more.
    public var revision: Int = 1
    public var site: String
    public var lane: String
    public var startedAt: Date
    public var endedAt: Date
    /// The `radiation.occupancy` event that anchors it, when the lane has a portal monitor.
    public var occupancy: String?
    /// The `radiation.occupancy-start` event that opened it.
    public var entry: String?
    public var gammaAlarm: Bool?
    public var neutronAlarm: Bool?
    public var scanEvent: String?
    /// `clear`, `suspect`, … from the scan's threat detection or the operator's verdict.
    public var scanResult: String?
    public var scanSuspect: Bool?
    /// A trace detector's sample of this vehicle alarmed (true) or was clear (false).
    public var traceAlarm: Bool?
    /// In the order first seen; identifiers of ambiguous evidence are included (see `ambiguities`).
    public var containers: [String] = []
    public var plates: [String] = []
    public var seals: [String] = []
    /// Every member event, in arrival order (ambiguous evidence included).
    public var events: [String] = []
    /// Devices of the lane that went offline while the vehicle was in it.
    public var devicesDown: [String] = []
    /// Evidence that may belong to this vehicle or to another: it is held by every candidate.
    public var ambiguities: [Ambiguity] = []

    /// Evidence the hub could not attribute to one vehicle: the event (a read, a scan), the passages
    /// it may belong to (this one among them, in lane order) and why, in words an operator reads.
    public typealias Ambiguity = GatePassagePayload.Ambiguity

    public init(id: String, site: String, lane: String, startedAt: Date, endedAt: Date) {
        self.id = id
        self.site = site
        self.lane = lane
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// True while some of its evidence may belong to another vehicle.
    public var ambiguous: Bool { !ambiguities.isEmpty }

    /// Parts a complete passage has that this one lacks: `radiation`, `ocr`, `scan`.
    public var missing: [String] {
        var m: [String] = []
        if occupancy == nil { m.append("radiation") }
        if containers.isEmpty && plates.isEmpty { m.append("ocr") }
        if scanEvent == nil { m.append("scan") }
        return m
    }

    /// An alarm on the passage: radiation, a suspect scan, or a trace detector's alarm.
    public var alarmed: Bool { gammaAlarm == true || neutronAlarm == true || scanSuspect == true || traceAlarm == true }
}

/// How a lane's reads are tied to its vehicles: windows in time, and the physics of the lane.
public struct PassageWindows: Sendable, Equatable {
    /// Reads this long before the vehicle entered the portal (an OCR gate ahead of it, a queue).
    public var beforeS: Double = 60
    /// And this long after it left (a camera or scanner behind it); the passage is stored then.
    public var afterS: Double = 120
    /// Reads without a portal occupancy group together while no more than this apart.
    public var gapS: Double = 30
    /// How far two devices' clocks may disagree (the portal is stamped by the hub, cameras and
    /// scanners by their own clocks); a read this close to a boundary between vehicles is ambiguous.
    public var clockToleranceS: Double = 0.5
    /// The shortest vehicle (bumper to bumper plus the least gap) the lane carries: fewer metres than
    /// this between a camera and the portal means at most one vehicle's front can be between them.
    public var minVehicleLengthM: Double = 10
    /// The fastest a vehicle moves in the lane.
    public var maxSpeedKmh: Double = 30
    /// Evidence that arrives this long after a passage was stored still joins it (a scan judged
    /// later, a handheld seal read); the passage is stored again as a new revision.
    public var lateS: Double = 3600
    /// An occupancy whose end never comes (the portal went offline) is closed this long after it began.
    public var maxOccupancyS: Double = 600

    public init(
        beforeS: Double = 60, afterS: Double = 120, gapS: Double = 30, clockToleranceS: Double = 0.5,
        minVehicleLengthM: Double = 10, maxSpeedKmh: Double = 30, lateS: Double = 3600, maxOccupancyS: Double = 600
    ) {
        self.beforeS = beforeS
        self.afterS = afterS
        self.gapS = gapS
        self.clockToleranceS = clockToleranceS
        self.minVehicleLengthM = minVehicleLengthM
        self.maxSpeedKmh = maxSpeedKmh
        self.lateS = lateS
        self.maxOccupancyS = maxOccupancyS
    }
}

/// Where each device of a lane stands: metres along the lane from the radiation portal monitor
/// (0), negative before it (a camera that reads an approaching vehicle at −8), positive after it
/// (a rear camera at +6, a scanner at +30). A device with no position is matched by time alone.
public struct LaneLayout: Sendable, Equatable {
    public var positions: [String: Double]

    public init(positions: [String: Double] = [:]) { self.positions = positions }

    public func position(of device: String) -> Double? { positions[device] }
}
