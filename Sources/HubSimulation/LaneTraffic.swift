import Foundation
import HubModel

/// A seeded world of trucks queueing through a gate's lanes, and what its devices report.
///
/// Each lane is one file of trucks that never overtake (`Driver`): lengths, speeds, headways from
/// nose to tail to minutes, stops before and inside the portal. From their motion come the exact
/// moments each device sees each truck: the portal monitor's occupancy start (front at 0) and end
/// (rear at 0), the front camera's plate read (front at −8), the rear camera's container reads
/// (rear at +6), the scanner's scan (front at +30), each stamped by its device's skewed clock and
/// delivered to the hub after a jitter (scans after their result is written, minutes for some).
/// Cameras miss, double and misread reads as each truck's `Faults` say.
///
/// Reads of a neighbouring lane: a camera may catch the plate of the truck in the lane beside
/// it, and the model only does so while that lane's own camera reads the same plate at the same
/// moment. A plate read only by the wrong lane's camera, with the right one's read missed, looks
/// exactly like a read of a truck in the camera's own lane: no hub can tell it apart, so the model
/// does not produce it (the property it checks would be false by construction, not by a bug).
public struct LaneTraffic: Sendable {
    public let site: String
    public let plan: QueuePlan
    public let lanes: [LaneDevices]
    /// Second 0 of the simulation.
    public let epoch: Date
    /// What happened, truck by truck, in the order the hub receives it.
    public private(set) var happenings: [Happening] = []
    /// The events the hub would store, in arrival order (`receivedAt` ascending), ids `sim-…`.
    public private(set) var events: [InspectionEvent] = []
    public private(set) var truth = GroundTruth()
    /// Each truck's identifiers, by truck index.
    public private(set) var identities: [(plate: String, containers: [String])] = []

    /// Device id → metres from the portal, for `LaneLayout(positions:)`.
    public var positions: [String: Double] {
        lanes.reduce(into: [:]) { $0.merge($1.positions) { a, _ in a } }
    }

    public init(plan: QueuePlan, lanes: [LaneDevices]? = nil, site: String = "sim", epoch: Date = Date(timeIntervalSince1970: 1_798_761_600)) {
        self.site = site
        self.plan = plan
        self.lanes = lanes ?? (1...plan.lanes).map { LaneDevices.standard(lane: $0) }
        self.epoch = epoch
        play()
    }

    /// A random queue of `trucks` trucks through `lanes` lanes, the same for the same seed.
    public init(trucks: Int, seed: UInt64, lanes: Int = 1, epoch: Date = Date(timeIntervalSince1970: 1_798_761_600)) {
        let devices = (1...max(1, lanes)).map { LaneDevices.standard(lane: $0) }
        self.init(plan: QueuePlan.random(trucks: trucks, seed: seed, lanes: devices), lanes: devices, epoch: epoch)
    }

    private mutating func play() {
        var ids = IdentitySource()
        identities = plan.trucks.map { ids.next(containers: $0.containers) }
        var ahead: [Int: (trajectory: Trajectory, lengthM: Double)] = [:]
        var list: [Happening] = []
        for (i, truck) in plan.trucks.enumerated() {
            let lane = truck.lane % lanes.count
            let leader = ahead[lane]
            let arrival = (leader.map { $0.trajectory.time(reaching: Driver.start) } ?? 0) + max(0, truck.headwayS)
            let driver = Driver(
                speed: truck.speedKmh / 3.6, arrival: arrival, stop: truck.stop.map { (at: $0.atM, seconds: $0.seconds) })
            let path = driver.drive(behind: leader?.trajectory, spacing: (leader?.lengthM ?? 0) + Self.leastGapM)
            ahead[lane] = (path, truck.lengthM)
            list += happenings(truck: i, plan: truck, path: path, lane: lane)
        }
        // Stable: what arrives at the same moment keeps the order it happened in.
        happenings = list.enumerated().sorted { ($0.element.arrivesAt, $0.offset) < ($1.element.arrivesAt, $1.offset) }.map(\.element)
        events = []
        truth = GroundTruth(trucks: plan.trucks.count)
        for (n, h) in happenings.enumerated() {
            let e = event(h, id: String(format: "sim-%08d", n + 1))
            events.append(e)
            truth.record(e, truck: h.truck)
        }
        truth.gammaAlarms = Set(plan.trucks.indices.filter { plan.trucks[$0].gammaAlarm })
    }

    /// Bumper to bumper, the closest trucks queue.
    public static let leastGapM = 2.0
}

/// Which truck produced each event, and what it carried.
public struct GroundTruth: Sendable {
    public var trucks = 0
    /// Event id → truck index, for every event of the world.
    public var truckOf: [String: Int] = [:]
    /// The evidence to attribute (`ocr.read`, `scan.result`), in arrival order.
    public var evidence: [String] = []
    /// Portal events (`radiation.occupancy-start`, `radiation.occupancy`): they say whose a passage is.
    public var portal: Set<String> = []
    /// Trucks whose occupancy raised a gamma alarm.
    public var gammaAlarms: Set<Int> = []

    public init(trucks: Int = 0) { self.trucks = trucks }

    mutating func record(_ e: InspectionEvent, truck: Int) { record(event: e.id, kind: e.kind, truck: truck) }

    /// Event `id` of `kind` came from truck `truck` (for events a real hub stored, named by its ids).
    public mutating func record(event id: String, kind: String, truck: Int) {
        truckOf[id] = truck
        switch kind {
        case EventKind.ocrRead, EventKind.scanResult: evidence.append(id)
        case EventKind.occupancyStart, EventKind.occupancy: portal.insert(id)
        default: break
        }
    }
}

/// Plates and container numbers, each new in the run.
struct IdentitySource {
    private var rng = SeededRandom(seed: 0x1D_5EED)
    private var used: Set<String> = []

    mutating func next(containers: Int) -> (plate: String, containers: [String]) {
        let plate = fresh { Identities.plate(&$0) }
        return (plate, (0..<max(0, containers)).map { _ in fresh { Identities.container(&$0) } })
    }

    private mutating func fresh(_ make: (inout SeededRandom) -> String) -> String {
        while true {
            let s = make(&rng)
            if used.insert(s).inserted { return s }
        }
    }
}
