import Foundation
import HubModel

/// Turning vehicles into passages: when each is stored, when it is stored again, and what it holds.
extension LaneTrack {
    /// Passages due by `now`: vehicles whose windows have passed, and stored ones whose content changed.
    mutating func due(now: Date, windows: PassageWindows, otherLanes: OtherLanes) -> [Passage] {
        var out: [Passage] = []
        if let next = nextDue, now < next {
            // Nothing closes yet: only the stored passages whose evidence changed, in the usual order.
            var places: [(group: Bool, index: Int)] = []
            for id in touched {
                if let i = vehicles.lastIndex(where: { $0.id == id }) {
                    places.append((false, i))
                } else if let i = groups.lastIndex(where: { $0.id == id }) {
                    places.append((true, i))
                }
            }
            for (group, i) in places.sorted(by: { ($0.group ? 1 : 0, $0.index) < ($1.group ? 1 : 0, $1.index) }) {
                if group {
                    if let u = stored(groups[i], now: now, windows: windows, otherLanes: otherLanes, into: &out) { groups[i] = u }
                } else if let u = stored(vehicles[i], now: now, windows: windows, otherLanes: otherLanes, into: &out) {
                    vehicles[i] = u
                }
            }
        } else {
            var next = Date.distantFuture
            for i in vehicles.indices {
                if let u = stored(vehicles[i], now: now, windows: windows, otherLanes: otherLanes, into: &out) { vehicles[i] = u }
                if vehicles[i].stored == nil { next = min(next, vehicles[i].closesAt(windows)) }
            }
            for i in groups.indices {
                if let u = stored(groups[i], now: now, windows: windows, otherLanes: otherLanes, into: &out) { groups[i] = u }
                if groups[i].stored == nil { next = min(next, groups[i].closesAt(windows)) }
            }
            nextDue = next
        }
        touched = []
        return out
    }

    /// `v` with its passage stored, when it is due or changed; nil when nothing is to be stored.
    private mutating func stored(
        _ v: Vehicle, now: Date, windows: PassageWindows, otherLanes: OtherLanes, into out: inout [Passage]
    ) -> Vehicle? {
        guard v.stored != nil ? touched.contains(v.id) : now >= v.closesAt(windows) else { return nil }
        var p = passage(v, otherLanes: otherLanes)
        if let before = v.stored {
            p.revision = before.revision
            guard p != before else { return nil }
            p.revision += 1
        }
        var v = v
        v.stored = p
        let held = Set(p.events)
        for id in held.subtracting(v.held) { heldBy[id, default: []].insert(v.id) }
        v.held = held
        out.append(p)
        return v
    }

    /// After a restart: the vehicles whose passage the store already holds count as stored, at the
    /// revision it holds.
    mutating func adopt(_ stored: [String: Int], otherLanes: OtherLanes) {
        for list in [\LaneTrack.vehicles, \LaneTrack.groups] {
            for i in self[keyPath: list].indices {
                let v = self[keyPath: list][i]
                guard let revision = stored[v.id] else { continue }
                var p = v.stored ?? passage(v, otherLanes: otherLanes)
                p.revision = revision
                self[keyPath: list][i].stored = p
                let held = Set(p.events)
                for id in held.subtracting(v.held) { heldBy[id, default: []].insert(v.id) }
                self[keyPath: list][i].held = held
            }
        }
        touched = []
    }

    /// Vehicles and read groups not yet stored.
    var openCount: Int { vehicles.filter { $0.stored == nil }.count + groups.filter { $0.stored == nil }.count }

    /// The passage of `v` as the evidence stands.
    func passage(_ v: Vehicle, otherLanes: OtherLanes) -> Passage {
        var p = Passage(id: v.id, site: site, lane: lane, startedAt: v.enteredAt, endedAt: v.leftAt ?? v.lastAt)
        p.entry = v.entry
        p.occupancy = v.occupancy
        p.gammaAlarm = v.gammaAlarm
        p.neutronAlarm = v.neutronAlarm
        p.devicesDown = v.devicesDown
        p.events = [v.entry, v.occupancy].compactMap { $0 }
        var latestScan: Date?
        for id in arrival {
            guard let ev = evidence[id], ev.vehicles.contains(v.id) || v.held.contains(id) else { continue }
            let e = ev.event
            if !p.events.contains(e.id) { p.events.append(e.id) }
            for c in e.subject.containers ?? [] where !p.containers.contains(c) { p.containers.append(c) }
            for x in e.subject.plates ?? [] where !p.plates.contains(x) { p.plates.append(x) }
            for s in e.subject.seals ?? [] where !p.seals.contains(s) { p.seals.append(s) }
            if !v.portal {
                p.startedAt = min(p.startedAt, e.observedAt)
                p.endedAt = max(p.endedAt, e.observedAt)
            }
            if ev.role == .scan, latestScan.map({ e.observedAt >= $0 }) ?? true {
                latestScan = e.observedAt
                p.scanEvent = e.id
                p.scanResult = e.scanResult?.verdict
                p.scanSuspect = e.severity == .alarm
            }
            // Any alarmed sample alarms the passage; a clear one only says it was sampled.
            if e.kind == EventKind.traceAlarm { p.traceAlarm = true }
            if e.kind == EventKind.traceClear, p.traceAlarm == nil { p.traceAlarm = false }
            // Everyone who may own it: its candidates now, passages stored with it, other lanes.
            let holders = heldBy[id] ?? []
            let here = Self.unique(ev.vehicles + (holders.count > 1 ? holders.sorted(by: order) : Array(holders)))
            let elsewhere = ev.resolvedTo == nil ? otherLanes(ev) : []
            guard here.count + elsewhere.count > 1 else { continue }
            var reason: String
            if case .vehicles(let c, let why) = ev.place, c.count > 1 { reason = why } else { reason = "" }
            if !holders.subtracting(ev.vehicles).isEmpty {
                reason = reason.isEmpty ? "stored with one passage; later evidence points to another" : reason
            }
            if !elsewhere.isEmpty, reason.isEmpty { reason = "the same identifier was read in another lane at the same time" }
            p.ambiguities.append(.init(event: id, candidates: here + elsewhere, reason: reason))
        }
        return p
    }

    /// Vehicles in the order they entered, then read groups in the order they began.
    private func order(_ a: String, _ b: String) -> Bool {
        func rank(_ id: String) -> Int { vehicles.firstIndex { $0.id == id } ?? groups.firstIndex { $0.id == id }.map { $0 + vehicles.count } ?? 0 }
        return rank(a) < rank(b)
    }

    /// Forgets vehicles stored long enough ago that no late evidence will join them, and their evidence.
    mutating func trim(now: Date, windows w: PassageWindows) {
        let horizon = now.addingTimeInterval(-(w.lateS + w.beforeS + w.afterS))
        var gone: Set<String> = []
        // Vehicles are in order of entry and close after they enter: only those that entered
        // before the horizon can have gone.
        var i = 0
        while i < vehicles.count, vehicles[i].enteredAt < horizon {
            if vehicles[i].stored != nil, vehicles[i].closesAt(w) < horizon { gone.insert(vehicles[i].id) }
            i += 1
        }
        for g in groups.indices where groups[g].stored != nil && groups[g].closesAt(w) < horizon { gone.insert(groups[g].id) }
        if !gone.isEmpty {
            vehicles.removeAll { gone.contains($0.id) }
            groups.removeAll { gone.contains($0.id) }
        }
        // Evidence older than the horizon whose vehicles are gone (or that never had one) goes too.
        while let first = arrival.first, let ev = evidence[first], ev.at < horizon, ev.final,
            ev.vehicles.allSatisfy({ gone.contains($0) || unit($0) == nil })
        {
            arrival.removeFirst()
            evidence[first] = nil
            heldBy[first] = nil
            for x in ev.identifiers {
                byIdentifier[x]?.removeAll { $0 == first }
                if byIdentifier[x]?.isEmpty == true { byIdentifier[x] = nil }
            }
        }
    }

    /// An operator's decision: `event` belongs to `passage` (a vehicle of this lane), or to none of
    /// this lane's (`passage` empty: it was another lane's). Nil when the lane no longer holds it.
    mutating func resolve(event: String, to passage: String) -> Bool {
        guard var ev = evidence[event] else { return false }
        if !passage.isEmpty, unit(passage) == nil { return false }
        for v in ev.vehicles + Array(heldBy[event] ?? []) { touched.insert(v) }
        ev.resolvedTo = passage
        ev.place = .vehicles(passage.isEmpty ? [] : [passage], reason: "")
        ev.final = true
        evidence[event] = ev
        active.removeAll { $0 == event }
        // The stored passages that held it let go of it now.
        for holder in heldBy[event] ?? [] where holder != passage {
            if let i = vehicles.firstIndex(where: { $0.id == holder }) { vehicles[i].held.remove(event) }
            if let i = groups.firstIndex(where: { $0.id == holder }) { groups[i].held.remove(event) }
        }
        if let h = heldBy[event], !passage.isEmpty, h.contains(passage) { heldBy[event] = [passage] } else { heldBy[event] = nil }
        if !passage.isEmpty { touched.insert(passage) }
        return true
    }
}
