import Foundation
import HubModel

/// One lane's vehicles and the evidence its devices produced, and which evidence belongs to which
/// vehicle. Part of `PassageAssembler`; pure.
struct LaneTrack {
    /// A vehicle the portal saw, from its occupancy start (or, lacking that, its occupancy).
    struct Vehicle {
        var id: String
        var enteredAt: Date
        var leftAt: Date?
        var entry: String?
        var occupancy: String?
        var gammaAlarm: Bool?
        var neutronAlarm: Bool?
        var devicesDown: [String] = []
        /// The portal that saw it enter, and when that portal went offline with the vehicle inside
        /// (its occupancy will never close: the passage is stored without a radiation result).
        var portalDevice: String?
        var cutAt: Date?
        /// The passage as last stored; nil until it is.
        var stored: Passage?
        /// Evidence the stored passage holds: once stored, a passage keeps what it showed until
        /// an operator resolves it, so a later change of mind is an ambiguity, never a silent move.
        var held: Set<String> = []
        /// False for a group of reads no portal vehicle could have produced (a lane without a portal
        /// monitor, a truck that turned away): grouped by time instead.
        var portal = true
        var lastAt: Date

        func closesAt(_ w: PassageWindows) -> Date {
            guard portal else { return lastAt.addingTimeInterval(w.beforeS + w.afterS) }
            return (leftAt ?? cutAt ?? enteredAt.addingTimeInterval(w.maxOccupancyS)).addingTimeInterval(w.afterS)
        }
    }

    /// A read, scan or seal report and where it stands.
    struct Evidence {
        enum Place: Equatable {
            /// Its vehicle may not have been seen yet.
            case pending
            /// The vehicles it may belong to (one, or the candidates of an ambiguity).
            case vehicles([String], reason: String)
            /// No vehicle could have produced it: it joins a group of reads (placing turns this into
            /// `vehicles` naming the group).
            case loose
        }

        var event: InspectionEvent
        /// What it is to a passage: a read, a scan or a report naming what it concerns.
        var role: PassageRole
        var position: Double?
        var place: Place = .pending
        /// Decided for good: its candidates can no longer change.
        var final = false
        /// An operator's decision.
        var resolvedTo: String?

        var at: Date { event.observedAt }
        var identifiers: [String] { (event.subject.containers ?? []) + (event.subject.plates ?? []) + (event.subject.seals ?? []) }
        /// Scans and seal reads are matched by the identifiers they carry before their position.
        var identifierFirst: Bool { role.followsIdentifiers }
        var vehicles: [String] { if case .vehicles(let v, _) = place { v } else { [] } }
    }

    let site: String
    let lane: String
    /// Reads without a vehicle group together while no more than this apart.
    let gapS: Double
    /// Portal vehicles in the order they entered.
    var vehicles: [Vehicle] = []
    /// Groups of reads without a portal vehicle, in the order they began.
    var groups: [Vehicle] = []
    var evidence: [String: Evidence] = [:]
    /// Evidence ids in arrival order.
    var arrival: [String] = []
    /// Identifier → evidence ids carrying it.
    var byIdentifier: [String: [String]] = [:]
    /// Evidence ids not yet decided for good.
    var active: [String] = []
    /// Evidence id → the vehicles whose stored passage holds it.
    var heldBy: [String: Set<String>] = [:]
    /// Vehicles whose stored passage may need a new revision.
    var touched: Set<String> = []
    /// No unstored vehicle or group closes before this (nil: not known, look at all of them).
    var nextDue: Date?
    /// Reads placed anew since the assembler last looked: other lanes' passages naming the same
    /// identifiers may have to say so.
    var moved: [String] = []

    init(site: String, lane: String, gapS: Double) {
        self.site = site
        self.lane = lane
        self.gapS = gapS
    }

    func index(of vehicle: String) -> Int? { vehicles.firstIndex { $0.id == vehicle } }

    /// The vehicle or read group with this id.
    func unit(_ id: String) -> Vehicle? { vehicles.first { $0.id == id } ?? groups.first { $0.id == id } }

    // MARK: - The portal

    /// The front of a vehicle entered the portal.
    mutating func enter(_ e: InspectionEvent, at start: Date) {
        nextDue = nil
        if let i = vehicles[entered(near: start)].firstIndex(where: { $0.entry == nil && abs($0.enteredAt.timeIntervalSince(start)) < 0.5 }) {
            // The occupancy came first (events out of order): it already stands for this vehicle.
            vehicles[i].entry = e.id
            touched.insert(vehicles[i].id)
            return
        }
        insert(Vehicle(id: e.id, enteredAt: start, entry: e.id, portalDevice: e.device.id, lastAt: start))
    }

    /// Its rear left: the occupancy, with its alarms.
    mutating func leave(_ e: InspectionEvent, started: Date, ended: Date) {
        nextDue = nil
        // The open vehicle the portal was counting: entered at the occupancy's start.
        let i = vehicles[entered(near: started)].firstIndex { $0.occupancy == nil && abs($0.enteredAt.timeIntervalSince(started)) < 0.5 }
            ?? {
                insert(Vehicle(id: e.id, enteredAt: started, lastAt: ended))
                return vehicles.firstIndex { $0.id == e.id }!
            }()
        vehicles[i].leftAt = ended
        vehicles[i].lastAt = max(vehicles[i].lastAt, ended)
        vehicles[i].occupancy = e.id
        vehicles[i].gammaAlarm = e.occupancy?.gammaAlarm
        vehicles[i].neutronAlarm = e.occupancy?.neutronAlarm
        touched.insert(vehicles[i].id)
    }

    private mutating func insert(_ v: Vehicle) {
        nextDue = nil
        let at = vehicles.partitionPoint { $0.enteredAt > v.enteredAt }
        vehicles.insert(v, at: at)
        // A vehicle arriving late (its events were delayed) may change what was read around it.
        guard at < vehicles.count - 1 else { return }
        for id in arrival where evidence[id]?.final == true && evidence[id]?.resolvedTo == nil {
            guard let ev = evidence[id], abs(ev.at.timeIntervalSince(v.enteredAt)) < 3600 else { continue }
            evidence[id]?.final = false
            active.append(id)
        }
    }

    /// The vehicles that entered within half a second of `t` (one vehicle's two portal events).
    private func entered(near t: Date) -> Range<Int> {
        let lo = vehicles.partitionPoint { $0.enteredAt.timeIntervalSince(t) > -0.5 }
        var hi = lo
        while hi < vehicles.count, vehicles[hi].enteredAt.timeIntervalSince(t) < 0.5 { hi += 1 }
        return lo..<hi
    }

    mutating func deviceDown(_ device: String, at t: Date, _ w: PassageWindows) {
        nextDue = nil
        for i in vehicles.indices where vehicles[i].stored == nil {
            if vehicles[i].portalDevice == device, vehicles[i].leftAt == nil, vehicles[i].cutAt == nil, vehicles[i].enteredAt <= t {
                vehicles[i].cutAt = t
            }
            let end = vehicles[i].leftAt ?? vehicles[i].enteredAt
            guard t >= vehicles[i].enteredAt.addingTimeInterval(-w.beforeS), t <= end.addingTimeInterval(w.afterS),
                !vehicles[i].devicesDown.contains(device)
            else { continue }
            vehicles[i].devicesDown.append(device)
        }
    }

    // MARK: - Evidence

    mutating func add(_ e: InspectionEvent, role: PassageRole, position: Double?) {
        guard evidence[e.id] == nil else { return }
        let ev = Evidence(event: e, role: role, position: position)
        evidence[e.id] = ev
        arrival.append(e.id)
        active.append(e.id)
        for x in ev.identifiers { byIdentifier[x, default: []].append(e.id) }
    }
}
