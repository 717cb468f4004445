import Foundation
import HubModel

/// Placing each piece of evidence on the vehicles that could have produced it.
extension LaneTrack {
    /// What the evidence's identifiers say about other lanes: the vehicles there that hold a read of
    /// the same plate or container at about the same time.
    typealias OtherLanes = (Evidence) -> [String]

    /// Places every undecided piece of evidence, reads first and then the scans and seal reports
    /// that follow a read by identifier; records which vehicles' passages changed.
    /// `elsewhere` says whether a read's identifiers were also read in another lane about then
    /// (a camera catching the neighbouring lane's plate).
    mutating func place(now: Date, physics: LanePhysics, elsewhere: (Evidence) -> Bool = { _ in false }) {
        guard !active.isEmpty else { return }
        let crossings = vehicles.map { LanePhysics.Crossing(enteredAt: $0.enteredAt, leftAt: $0.leftAt) }
        var seen: Set<String> = []
        // Earlier evidence first: a second read of a plate follows where the first went.
        let ids = active.filter { seen.insert($0).inserted }.sorted { (evidence[$0]?.at ?? .distantPast) < (evidence[$1]?.at ?? .distantPast) }
        var still: [String] = []
        for followers in [false, true] {
            for id in ids {
                guard var ev = evidence[id], ev.identifierFirst == followers else { continue }
                let old = ev.place
                let (place, final) = decide(ev, crossings, now: now, physics: physics, elsewhere: elsewhere)
                if case .loose = place {
                    ev.place = .vehicles([group(for: ev)], reason: "")
                } else {
                    ev.place = place
                }
                ev.final = final
                if ev.place != old {
                    for v in Self.ids(old) + ev.vehicles { touched.insert(v) }
                    if ev.role == .read { moved.append(id) }
                }
                evidence[id] = ev
                if !final { still.append(id) }
            }
        }
        active = still
    }

    private static func ids(_ p: Evidence.Place) -> [String] {
        if case .vehicles(let v, _) = p { v } else { [] }
    }

    private func decide(
        _ ev: Evidence, _ crossings: [LanePhysics.Crossing], now: Date, physics: LanePhysics, elsewhere: (Evidence) -> Bool
    )
        -> (Evidence.Place, final: Bool)
    {
        let w = physics.windows
        if let to = ev.resolvedTo { return (.vehicles(to.isEmpty ? [] : [to], reason: ""), true) }
        let t = ev.at
        let settled = now.timeIntervalSince(t) > max(w.beforeS, w.afterS) + w.clockToleranceS
        if ev.identifierFirst {
            // A scan or a seal report names what it saw: it goes where the reads of those identifiers went.
            var matched: [String] = [], pending = false, any = false
            for x in ev.identifiers {
                for other in byIdentifier[x] ?? [] where other != ev.event.id {
                    guard let o = evidence[other], !o.identifierFirst, abs(o.at.timeIntervalSince(t)) <= w.lateS else { continue }
                    any = true
                    if o.place == .pending { pending = true } else { matched += o.vehicles }
                }
            }
            if any {
                let unique = Self.unique(matched)
                if unique.isEmpty { return (.pending, false) }
                return (.vehicles(unique, reason: "the same identifier was read on \(unique.count) vehicles"), settled && !pending)
            }
        }
        if let first = firstRead(of: ev, within: w.beforeS) {
            // A camera that reads the same plate twice as one vehicle passes: the second read is
            // not where its time alone puts it (the front is no longer at the camera).
            return (first.place == .loose ? .pending : first.place, first.final)
        }
        let c: LanePhysics.Candidates
        switch ev.position {
        case nil: c = physics.anywhere(at: t, crossings, now: now)
        case let x? where x < 0: c = physics.before(x, at: t, crossings, now: now) { nextRead(after: ev, skipping: elsewhere) }
        case let x? where x > 0:
            c = ev.role == .read ? physics.afterRear(x, at: t, crossings, now: now) : physics.afterFront(x, at: t, crossings)
        default: c = physics.atPortal(at: t, crossings, now: now)
        }
        if c.indices.isEmpty {
            // A scan may still be named by a read that has not come yet.
            let waiting = c.open || (ev.identifierFirst && !ev.identifiers.isEmpty && !settled)
            return waiting ? (.pending, false) : (.loose, true)
        }
        return (.vehicles(c.indices.map { vehicles[$0].id }, reason: c.reason), settled && !c.open)
    }

    /// The earliest read by the same device of the same identifiers less than `within` seconds
    /// before `ev`: `ev` is a second read of that vehicle.
    private func firstRead(of ev: Evidence, within: Double) -> Evidence? {
        guard ev.role == .read, let x = ev.identifiers.first, let ids = byIdentifier[x], ids.count > 1 else { return nil }
        let mine = ev.identifiers
        func key(_ e: Evidence) -> (Date, String) { (e.at, e.event.id) }
        var first: Evidence?
        for id in ids where id != ev.event.id {
            guard let o = evidence[id], key(o) < key(ev), ev.at.timeIntervalSince(o.at) <= within,
                o.event.kind == ev.event.kind, o.event.device.id == ev.event.device.id, o.identifiers == mine,
                first.map({ key(o) < key($0) }) ?? true
            else { continue }
            first = o
        }
        return first
    }

    /// When the same device next read something else (not a double read of the same identifiers).
    /// Reads that may be of the neighbouring lane's vehicle (`skipping`) do not count.
    private func nextRead(after ev: Evidence, skipping elsewhere: (Evidence) -> Bool) -> Date? {
        let mine = Set(ev.identifiers)
        var next: Date?
        for id in arrival {
            guard let o = evidence[id], o.at > ev.at, o.event.device.id == ev.event.device.id, o.event.kind == ev.event.kind,
                mine.isDisjoint(with: o.identifiers), next.map({ o.at < $0 }) ?? true, !elsewhere(o)
            else { continue }
            next = o.at
        }
        return next
    }

    /// The read group a piece of evidence without a vehicle joins: the lane's open group within
    /// `gapS` of it, or a new one.
    private mutating func group(for ev: Evidence) -> String {
        nextDue = nil
        let gap = gapS
        if let i = groups.firstIndex(where: { $0.stored == nil && abs(ev.at.timeIntervalSince($0.lastAt)) <= gap }) {
            groups[i].lastAt = max(groups[i].lastAt, ev.at)
            groups[i].enteredAt = min(groups[i].enteredAt, ev.at)
            touched.insert(groups[i].id)
            return groups[i].id
        }
        groups.append(Vehicle(id: ev.event.id, enteredAt: ev.at, portal: false, lastAt: ev.at))
        touched.insert(ev.event.id)
        return ev.event.id
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }
}
