import Foundation
import HubModel
import Synchronization

/// What each lane has seen lately: its last vehicle passage through the radiation portal, its last
/// alarm, and running totals. The seed of gate-passage assembly; operators read it as the lane board.
public final class LaneActivity: Sendable {
    /// One lane's summary.
    public struct Lane: Sendable, Codable, Equatable {
        public var site: String
        public var lane: String
        public var occupancies: Int
        public var alarms: Int
        public var lastOccupancy: InspectionEvent?
        public var lastAlarm: InspectionEvent?
        public var lastEventAt: Date?
    }

    private struct Key: Hashable {
        var site: String
        var lane: String
    }

    private let lanes = Mutex<[Key: Lane]>([:])

    public init() {}

    /// Folds events into the lane summaries; events without a lane are not about a lane.
    public func observe(_ events: [InspectionEvent]) {
        lanes.withLock { m in
            for e in events {
                guard let lane = e.lane else { continue }
                let key = Key(site: e.site ?? "", lane: lane)
                var l = m[key] ?? Lane(site: key.site, lane: lane, occupancies: 0, alarms: 0)
                l.lastEventAt = max(l.lastEventAt ?? e.receivedAt, e.receivedAt)
                switch e.kind {
                case EventKind.occupancy:
                    l.occupancies += 1
                    if l.lastOccupancy.map({ $0.observedAt <= e.observedAt }) ?? true { l.lastOccupancy = e }
                    if e.severity == .alarm { l.alarms += 1 }
                case EventKind.radiationAlarm:
                    if l.lastAlarm.map({ $0.observedAt <= e.observedAt }) ?? true { l.lastAlarm = e }
                default: break
                }
                m[key] = l
            }
        }
    }

    /// Every lane, by site then lane.
    public func all() -> [Lane] {
        lanes.withLock { m in
            m.values.sorted { ($0.site, $0.lane) < ($1.site, $1.lane) }
        }
    }
}
