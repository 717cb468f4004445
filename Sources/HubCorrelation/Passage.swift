import Foundation
import HubModel

/// One vehicle's crossing of a lane: the portal monitor's occupancy, the cameras' reads, the scan
/// and the seal reads that belong to it, and what was missing.
public struct Passage: Sendable, Equatable {
    public var site: String
    public var lane: String
    public var startedAt: Date
    public var endedAt: Date
    /// The `radiation.occupancy` event that anchors it, when the lane has a portal monitor.
    public var occupancy: String?
    public var gammaAlarm: Bool?
    public var neutronAlarm: Bool?
    public var scanEvent: String?
    /// `clear`, `suspect`, … from the scan's threat detection or the operator's verdict.
    public var scanResult: String?
    public var scanSuspect: Bool?
    /// In the order first seen.
    public var containers: [String] = []
    public var plates: [String] = []
    public var seals: [String] = []
    /// Every member event, in arrival order.
    public var events: [String] = []
    /// Devices of the lane that went offline while the vehicle was in it.
    public var devicesDown: [String] = []

    /// Parts a complete passage has that this one lacks: `radiation`, `ocr`, `scan`.
    public var missing: [String] {
        var m: [String] = []
        if occupancy == nil { m.append("radiation") }
        if containers.isEmpty && plates.isEmpty { m.append("ocr") }
        if scanEvent == nil { m.append("scan") }
        return m
    }

    /// An alarm on the passage: radiation, or a suspect scan.
    public var alarmed: Bool { gammaAlarm == true || neutronAlarm == true || scanSuspect == true }
}

/// How far around an occupancy the lane's other reads still belong to it.
public struct PassageWindows: Sendable, Equatable {
    /// Reads this long before the vehicle entered the portal (an OCR gate ahead of it).
    public var beforeS: Double = 60
    /// And this long after it left (a camera or scanner behind it).
    public var afterS: Double = 120
    /// Reads without a portal occupancy group together while no more than this apart.
    public var gapS: Double = 30

    public init(beforeS: Double = 60, afterS: Double = 120, gapS: Double = 30) {
        self.beforeS = beforeS
        self.afterS = afterS
        self.gapS = gapS
    }
}
