import Foundation
import HubModel

/// Groups each lane's events into vehicle passages, as a pure value: events in, passages out.
///
/// Each lane is an ordered flow of vehicles that cannot overtake. The portal monitor's occupancy
/// start opens a vehicle and its occupancy closes it. Every other device has a place along the lane
/// (`LaneLayout`), and the lane's physics (`PassageWindows`) say which vehicles it could have seen
/// at a moment: a camera before the portal reads the next vehicle to enter it, a rear camera the
/// last to leave, a scanner the vehicle that reached it; a scan or a seal report goes where the
/// reads of the same container, plate or seal went. When the evidence cannot tell two vehicles
/// apart, every candidate's passage holds it and says so (`Passage.ambiguities`) until an operator
/// resolves it: evidence is never moved silently. Reads no vehicle could have produced (a lane
/// without a portal) group by time. A passage is stored once the lane's clock passes its end plus
/// the after-window, and stored again (a new revision) when late evidence changes it.
public struct PassageAssembler: Sendable {
    struct LaneKey: Hashable, Comparable {
        var site: String
        var lane: String
        static func < (a: LaneKey, b: LaneKey) -> Bool { (a.site, a.lane) < (b.site, b.lane) }
    }

    public let windows: PassageWindows
    public private(set) var layout: LaneLayout
    private var lanes: [LaneKey: LaneTrack] = [:]
    /// The latest time seen (the hub's clock as the events tell it).
    private var clock = Date.distantPast
    /// Site, identifier → the lanes whose evidence carries it (for reads of a neighbouring lane).
    private var identifierLanes: [String: [String: Set<String>]] = [:]

    public init(windows: PassageWindows = PassageWindows(), layout: LaneLayout = LaneLayout()) {
        self.windows = windows
        self.layout = layout
    }

    /// Device positions changed (a configuration reload); evidence already placed stays placed.
    public mutating func relayout(_ layout: LaneLayout) { self.layout = layout }

    /// Vehicles and read groups whose passage is not yet stored, across lanes.
    public var openCount: Int { lanes.values.reduce(0) { $0 + $1.openCount } }

    /// Takes one event; returns the passages it lets be stored or changes.
    public mutating func observe(_ e: InspectionEvent) -> [Passage] { observe([e]) }

    /// Takes a batch of events in arrival order, then places their evidence once: the passages
    /// they let be stored or change.
    public mutating func observe(_ events: [InspectionEvent]) -> [Passage] {
        var any = false
        for e in events where ingest(e) { any = true }
        return any ? advance(now: clock) : []
    }

    private mutating func ingest(_ e: InspectionEvent) -> Bool {
        guard let lane = e.lane, let role = PassageRole.of(kind: e.kind) else { return false }
        let key = LaneKey(site: e.site ?? "", lane: lane)
        // Taken out while it changes: a copy left in the dictionary would make each change copy it whole.
        var track = lanes.removeValue(forKey: key) ?? LaneTrack(site: key.site, lane: lane, gapS: windows.gapS)
        switch role {
        case .vehicleEnters:
            track.enter(e, at: e.occupancyStart?.startedAt ?? e.observedAt)
        case .vehicleLeaves:
            let end = e.occupancy?.endedAt ?? e.observedAt
            track.leave(e, started: e.occupancy?.startedAt ?? end, ended: end)
        case .deviceHealth:
            // A silent device is as good as gone for the passages it should have seen.
            if let state = e.deviceStatus?.state, state == .offline || state == .silent {
                track.deviceDown(e.device.id, at: e.observedAt, windows)
            }
        case .read, .scan, .namedEvidence:
            track.add(e, role: role, position: layout.position(of: e.device.id))
            note(e, lane: lane)
        }
        lanes[key] = track
        clock = max(clock, e.receivedAt, e.observedAt.addingTimeInterval(-windows.clockToleranceS))
        return true
    }

    /// Stores what the hub's clock lets be stored (quiet lanes).
    public mutating func close(before now: Date) -> [Passage] {
        clock = max(clock, now)
        return advance(now: clock)
    }

    /// Every passage not yet stored, stored now as it stands (shutdown).
    public mutating func flush() -> [Passage] {
        var out = advance(now: .distantFuture)
        for key in lanes.keys.sorted() { out += lanes[key]!.due(now: .distantFuture, windows: windows, otherLanes: otherLanes(key)) }
        return out
    }

    /// An operator's decision that `event` (a read, a scan) belongs to passage `passage` of its lane,
    /// or to another lane's vehicle (`passage` naming a passage of another lane): the passages that
    /// change, each as a new revision. Nil when no lane holds the event or the passage any more.
    public mutating func resolve(event: String, to passage: String) -> [Passage]? {
        guard let key = lanes.keys.sorted().first(where: { lanes[$0]!.evidence[event] != nil }) else { return nil }
        let target = lanes[key]!.unit(passage) != nil ? passage : ""
        if target.isEmpty {
            // Another lane's vehicle: it must hold the same identifier there.
            guard let other = lanes.first(where: { $0.key != key && $0.value.unit(passage) != nil }) else { return nil }
            _ = other
        }
        guard lanes[key]!.resolve(event: event, to: target) else { return nil }
        var out: [Passage] = []
        for k in lanes.keys.sorted() where k.site == key.site {
            if k != key {
                // The other lane's passages named this read as a rival of their own: no longer.
                for v in lanes[k]!.vehicles + lanes[k]!.groups where v.stored?.ambiguities.contains(where: { $0.candidates.contains(passage) }) == true {
                    lanes[k]!.touched.insert(v.id)
                }
            }
            out += lanes[k]!.due(now: clock, windows: windows, otherLanes: otherLanes(k))
        }
        return out
    }

    /// Rebuilds the lanes after a restart from the stored events of the last `lateS` or so, in
    /// arrival order. Passages already stored (`stored`: passage id → its newest revision) are
    /// taken as stored, so late evidence revises them; the passages returned were due but not
    /// stored before the restart, and are stored now.
    public mutating func restore(_ events: [InspectionEvent], stored: [String: Int]) -> [Passage] {
        // One at a time, as they came: a passage was stored with what it held at the time.
        var out: [Passage] = []
        for e in events where Self.takesPart(e) { out += observe(e) }
        var seen: Set<String> = []
        var fresh: [Passage] = out.reversed().filter { stored[$0.id] == nil && seen.insert($0.id).inserted }.reversed()
        for i in fresh.indices { fresh[i].revision = 1 }
        let revisions = stored.merging(fresh.map { ($0.id, 1) }) { a, _ in a }
        for key in lanes.keys.sorted() { lanes[key]!.adopt(revisions, otherLanes: otherLanes(key)) }
        return fresh
    }

    /// Whether `e` plays a part in passages: its kind's payload type gives it a `PassageRole`.
    static func takesPart(_ e: InspectionEvent) -> Bool { PassageRole.of(kind: e.kind) != nil }

    private mutating func advance(now: Date) -> [Passage] {
        let physics = LanePhysics(windows: windows)
        var out: [Passage] = []
        let keys = lanes.keys.sorted()
        for key in keys {
            lanes[key]!.place(now: now, physics: physics, elsewhere: readElsewhere(key))
            let moved = lanes[key]!.moved
            lanes[key]!.moved = []
            for id in moved {
                guard let e = lanes[key]!.evidence[id]?.event else { continue }
                touchOtherLanes(site: key.site, lane: key.lane, identifiers: (e.subject.plates ?? []) + (e.subject.containers ?? []))
            }
        }
        for key in keys { out += lanes[key]!.due(now: now, windows: windows, otherLanes: otherLanes(key)) }
        // Only once every lane is stored: a lane's passage may name another lane's evidence.
        for key in keys {
            lanes[key]!.trim(now: now, windows: windows)
            if lanes[key]!.vehicles.isEmpty && lanes[key]!.groups.isEmpty && lanes[key]!.evidence.isEmpty { lanes[key] = nil }
        }
        pruneIdentifiers()
        return out
    }

    // MARK: - Other lanes

    /// Drops identifiers no lane holds evidence of any more.
    private mutating func pruneIdentifiers() {
        guard identifierLanes.values.reduce(0, { $0 + $1.count }) > 4_096 else { return }
        for (site, index) in identifierLanes {
            var kept: [String: Set<String>] = [:]
            for (x, lanesOf) in index {
                let still = lanesOf.filter { lanes[LaneKey(site: site, lane: $0)]?.byIdentifier[x] != nil }
                if !still.isEmpty { kept[x] = still }
            }
            identifierLanes[site] = kept.isEmpty ? nil : kept
        }
    }

    private mutating func note(_ e: InspectionEvent, lane: String) {
        let site = e.site ?? ""
        let identifiers = (e.subject.plates ?? []) + (e.subject.containers ?? [])
        for x in identifiers { identifierLanes[site, default: [:]][x, default: []].insert(lane) }
        touchOtherLanes(site: site, lane: lane, identifiers: identifiers)
    }

    /// A plate or container seen (or placed anew) in one lane: other lanes' passages holding a read
    /// of it may now be in doubt, or no longer.
    private mutating func touchOtherLanes(site: String, lane: String, identifiers: [String]) {
        for x in identifiers {
            for other in identifierLanes[site]?[x] ?? [] where other != lane {
                let k = LaneKey(site: site, lane: other)
                for id in lanes[k]?.byIdentifier[x] ?? [] {
                    for v in lanes[k]!.evidence[id]?.vehicles ?? [] { lanes[k]!.touched.insert(v) }
                    for v in lanes[k]!.heldBy[id] ?? [] { lanes[k]!.touched.insert(v) }
                }
            }
        }
    }

    /// For evidence of lane `key`: whether another lane of the site holds a read of one of its
    /// plates or containers within the before-window of it, placed or not.
    private func readElsewhere(_ key: LaneKey) -> (LaneTrack.Evidence) -> Bool {
        let reads = otherReads(key)
        return { !reads($0).isEmpty }
    }

    /// For evidence of lane `key`: the vehicles of other lanes of the site holding a read of one
    /// of its plates or containers within the before-window of it.
    private func otherLanes(_ key: LaneKey) -> LaneTrack.OtherLanes {
        let reads = otherReads(key)
        return { ev in
            guard ev.role == .read else { return [] }
            return LaneTrack.unique(reads(ev).flatMap(\.vehicles))
        }
    }

    /// For evidence of lane `key`: the reads of other lanes of the site of one of its plates or
    /// containers within the before-window of it.
    private func otherReads(_ key: LaneKey) -> (LaneTrack.Evidence) -> [LaneTrack.Evidence] {
        let w = windows
        // Only the site's other lanes: holding on to this lane's track would make every change
        // to it while the closure lives copy it whole.
        let lanes = self.lanes.filter { $0.key.site == key.site && $0.key != key }
        let index = identifierLanes[key.site] ?? [:]
        return { ev in
            var out: [LaneTrack.Evidence] = []
            for x in (ev.event.subject.plates ?? []) + (ev.event.subject.containers ?? []) {
                for other in index[x] ?? [] where other != key.lane {
                    guard let track = lanes[LaneKey(site: key.site, lane: other)] else { continue }
                    for id in track.byIdentifier[x] ?? [] {
                        guard let o = track.evidence[id], o.role == .read, abs(o.at.timeIntervalSince(ev.at)) <= w.beforeS
                        else { continue }
                        out.append(o)
                    }
                }
            }
            return out
        }
    }
}
