import Foundation
import HubDrivers
import HubModel

/// A lane as the trucks of a scenario use it: they pass the camera (8 m before the portal) in the
/// timeline's order and cross the portal monitor one at a time, in that order — a portal never sees
/// two vehicles at once, and vehicles do not overtake inside a lane. Planned ahead, in scenario
/// seconds, so a queued truck's camera read can fall inside the occupancy of the truck ahead of it.
struct PortalLane {
    /// From the camera to the portal at a crawl (8 m at about 10 km/h).
    static let approachS = 3.0
    /// The least time the portal sees an empty lane between one vehicle's end and the next one's start.
    static let gapS = 1.0
    /// A truck reaches the camera no sooner than this after the truck ahead of it entered the portal:
    /// the camera is closer to the portal than a truck is long, so two trucks never wait between them.
    static let behindS = 2.0

    /// One truck's way along the lane.
    struct Plan {
        /// 1, 2, … in the order the trucks reach the camera.
        var number: Int
        var cameraAt: Double
        /// Its first occupied line (the portal's occupancy start).
        var entryAt: Double
        /// Its GX.
        var exitAt: Double
        /// The empty-lane lines before it (`truck` nil) and its own lines, in time order.
        var lines: [(at: Double, line: RapiscanLine, truck: Int?)]
        /// The camera had to wait for the truck ahead to enter the portal.
        var heldBack: Bool
    }

    private var model: PortalMonitorModel
    private var lastEntry: Double?
    private var lastExit: Double?
    private var trucks = 0

    init(seed: UInt64) {
        model = PortalMonitorModel(settings: .init(gammaAlarmRate: 0, neutronAlarmRate: 0), seed: seed)
    }

    /// Where truck `t`, arriving at the camera at scenario second `at`, is when: at the camera then
    /// (or once the truck ahead has entered the portal), in the portal `approachS` later (or a gap
    /// after the truck ahead has left it) for its occupancy, plus its stop.
    mutating func plan(_ t: Scenario.Truck, at: Double) -> Plan {
        trucks += 1
        let camera = max(at, (lastEntry ?? -.infinity) + Self.behindS)
        let entry = max(camera + Self.approachS, (lastExit ?? -.infinity) + Self.gapS)
        // The empty lane the portal sees before the truck: after the truck ahead when it is queued.
        let emptyFrom = max(camera, lastExit ?? camera)
        var lines = model.background(from: emptyFrom, to: entry, firstAfterS: min(0.5, (entry - emptyFrom) / 2))
            .map { (at: $0.at, line: $0.line, truck: Int?.none) }
        let vehicle = model.vehicle(at: entry, .init(
            movingS: t.occupancyS, stopS: t.stopInPortalS ?? 0, gammaAlarm: t.gammaAlarm == true, neutronAlarm: false))
        lines += vehicle.map { (at: $0.at, line: $0.line, truck: Int?.some(trucks)) }
        let exit = vehicle.last?.at ?? entry
        lastEntry = entry
        lastExit = exit
        return Plan(number: trucks, cameraAt: camera, entryAt: entry, exitAt: exit, lines: lines, heldBack: camera > at)
    }
}

/// One write of a lane device at scenario second `at`; `order` keeps writes at the same second in
/// the order they were planned.
struct LaneAction {
    enum What {
        case read(OCRReading.Kind, text: String, confidences: [Double]?, position: String)
        /// A portal line; `vehicle` false for the empty-lane lines before the truck.
        case portal(RapiscanLine, vehicle: Bool)
        case scan(Scenario.ScanStep)
        case unplug(String)
    }

    var at: Double
    var order: Int
    /// The truck it belongs to (its faults damage it).
    var truck: Int
    var lane: String
    var what: What
}

extension Scenario.Truck {
    /// What the camera misses of this truck: `plate`, `containers`.
    static let missable: Set<String> = ["plate", "containers"]

    /// A clear error for options that cannot be played.
    func check() throws {
        for m in missed ?? [] where !Self.missable.contains(m) {
            throw ScenarioError("truck: missed: lists what the camera misses (plate, containers), got '\(m)'")
        }
        if let o = occupancyS, !(o > 0 && o <= 600) { throw ScenarioError("truck: occupancyS must be above 0 and at most 600, got \(o)") }
        if let s = stopInPortalS, !(s >= 0 && s <= 600) { throw ScenarioError("truck: stopInPortalS must be 0 to 600, got \(s)") }
    }
}
