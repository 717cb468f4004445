import Foundation
import HubModel

/// Groups each lane's events into vehicle passages, as a pure value: events in, closed passages
/// out. A portal occupancy anchors a passage; camera reads, scans and seal reads join the anchored
/// passage nearest in time within the windows (so back-to-back trucks split where their reads are
/// closest, and a camera ahead of or behind the portal both count); reads with no occupancy near
/// group among themselves, and join an occupancy that comes later if it covers them. A passage
/// closes once the lane's clock has passed its end plus the after-window.
public struct PassageAssembler: Sendable {
    private struct LaneKey: Hashable {
        var site: String
        var lane: String
    }

    private struct Open {
        var passage: Passage
        var anchored: Bool
        var lastAt: Date
    }

    public let windows: PassageWindows
    private var lanes: [LaneKey: [Open]] = [:]

    public init(windows: PassageWindows = PassageWindows()) {
        self.windows = windows
    }

    /// Passages still open, across lanes.
    public var openCount: Int { lanes.values.reduce(0) { $0 + $1.count } }

    /// Takes one event; returns the passages its time closes (in that lane).
    public mutating func observe(_ e: InspectionEvent) -> [Passage] {
        guard let lane = e.lane, Self.takesPart(e) else { return [] }
        let key = LaneKey(site: e.site ?? "", lane: lane)
        var open = lanes[key] ?? []
        if e.kind == "radiation.occupancy" {
            anchor(e, in: &open, key: key)
        } else if e.kind == "device.status" {
            if e.data["state"]?.stringValue == "offline" {
                for i in open.indices where contains(open[i], e.observedAt) && !open[i].passage.devicesDown.contains(e.device.id) {
                    open[i].passage.devicesDown.append(e.device.id)
                }
            }
        } else {
            attach(e, in: &open, key: key)
        }
        let closed = close(&open, now: e.observedAt)
        lanes[key] = open
        return closed
    }

    /// Closes every passage whose windows have passed by `now` (the hub's clock, for quiet lanes).
    public mutating func close(before now: Date) -> [Passage] {
        var out: [Passage] = []
        for key in lanes.keys.sorted(by: { ($0.site, $0.lane) < ($1.site, $1.lane) }) {
            var open = lanes[key]!
            out += close(&open, now: now)
            lanes[key] = open.isEmpty ? nil : open
        }
        return out
    }

    /// Every open passage, closed now (shutdown).
    public mutating func flush() -> [Passage] { close(before: .distantFuture) }

    static func takesPart(_ e: InspectionEvent) -> Bool {
        switch e.kind {
        case "radiation.occupancy", "ocr.read", "scan.result", "seal.status", "device.status": true
        default: false
        }
    }

    private func contains(_ o: Open, _ t: Date) -> Bool {
        t >= o.passage.startedAt.addingTimeInterval(-windows.beforeS) && t <= o.passage.endedAt.addingTimeInterval(windows.afterS)
    }

    private func anchor(_ e: InspectionEvent, in open: inout [Open], key: LaneKey) {
        let start = e.data["startedAt"]?.stringValue.flatMap(Timestamp.parse) ?? e.observedAt
        let end = e.data["endedAt"]?.stringValue.flatMap(Timestamp.parse) ?? e.observedAt
        var p = Passage(site: key.site, lane: key.lane, startedAt: start, endedAt: end)
        p.occupancy = e.id
        p.gammaAlarm = e.data["gammaAlarm"]?.boolValue
        p.neutronAlarm = e.data["neutronAlarm"]?.boolValue
        p.events = [e.id]
        var anchored = Open(passage: p, anchored: true, lastAt: end)
        // Reads that came first (a camera ahead of the portal) join it when its windows cover them.
        open.removeAll { o in
            guard !o.anchored, o.passage.startedAt >= start.addingTimeInterval(-windows.beforeS),
                o.passage.endedAt <= end.addingTimeInterval(windows.afterS)
            else { return false }
            merge(o.passage, into: &anchored.passage)
            return true
        }
        open.append(anchored)
        open.sort { $0.passage.startedAt < $1.passage.startedAt }
    }

    private func attach(_ e: InspectionEvent, in open: inout [Open], key: LaneKey) {
        let t = e.observedAt
        // The anchored passage nearest in time whose windows hold the read.
        var best: (index: Int, distance: Double)?
        for (i, o) in open.enumerated() where o.anchored && contains(o, t) {
            let d = t < o.passage.startedAt ? o.passage.startedAt.timeIntervalSince(t)
                : t > o.passage.endedAt ? t.timeIntervalSince(o.passage.endedAt) : 0
            if best == nil || d < best!.distance { best = (i, d) }
        }
        if best == nil {
            for (i, o) in open.enumerated() where !o.anchored && abs(t.timeIntervalSince(o.lastAt)) <= windows.gapS {
                best = (i, 0)
            }
        }
        if let i = best?.index {
            add(e, to: &open[i].passage)
            open[i].lastAt = max(open[i].lastAt, t)
            if !open[i].anchored {
                open[i].passage.startedAt = min(open[i].passage.startedAt, t)
                open[i].passage.endedAt = max(open[i].passage.endedAt, t)
            }
        } else {
            var p = Passage(site: key.site, lane: key.lane, startedAt: t, endedAt: t)
            add(e, to: &p)
            open.append(Open(passage: p, anchored: false, lastAt: t))
            open.sort { $0.passage.startedAt < $1.passage.startedAt }
        }
    }

    private func add(_ e: InspectionEvent, to p: inout Passage) {
        p.events.append(e.id)
        for c in e.subject.containers ?? [] where !p.containers.contains(c) { p.containers.append(c) }
        for x in e.subject.plates ?? [] where !p.plates.contains(x) { p.plates.append(x) }
        for s in e.subject.seals ?? [] where !p.seals.contains(s) { p.seals.append(s) }
        if e.kind == "scan.result" {
            p.scanEvent = e.id
            p.scanResult = e.data["operatorVerdict"]?.objectValue?["verdict"]?.stringValue ?? e.data["atdResult"]?.stringValue
            p.scanSuspect = e.severity == .alarm
        }
    }

    private func merge(_ from: Passage, into p: inout Passage) {
        for id in from.events where !p.events.contains(id) { p.events.append(id) }
        for c in from.containers where !p.containers.contains(c) { p.containers.append(c) }
        for x in from.plates where !p.plates.contains(x) { p.plates.append(x) }
        for s in from.seals where !p.seals.contains(s) { p.seals.append(s) }
        if p.scanEvent == nil {
            p.scanEvent = from.scanEvent
            p.scanResult = from.scanResult
            p.scanSuspect = from.scanSuspect
        }
        p.devicesDown += from.devicesDown.filter { !p.devicesDown.contains($0) }
    }

    private func close(_ open: inout [Open], now: Date) -> [Passage] {
        var closed: [Passage] = []
        open.removeAll { o in
            let deadline = o.anchored
                ? o.passage.endedAt.addingTimeInterval(windows.afterS)
                : o.lastAt.addingTimeInterval(windows.beforeS + windows.afterS)
            guard now > deadline else { return false }
            closed.append(o.passage)
            return true
        }
        return closed
    }
}
