import Foundation
import HubCorrelation
import HubModel
import HubStore

/// The stored events a restarted hub rebuilds its lanes from: every event passage assembly takes
/// part in, and the passages and resolutions already stored, observed within the last `lateS` plus
/// the windows, for this hub's sites, in the order they arrived.
public enum PassageHistory {
    public static func load(_ store: any EventStore, sites: Set<String>, windows w: PassageWindows, now: Date = Date()) async
        -> [InspectionEvent]
    {
        let since = now.addingTimeInterval(-(w.lateS + w.beforeS + w.afterS + w.maxOccupancyS))
        var out: [InspectionEvent] = []
        for kind in PassageRole.memberKinds + [EventKind.passage, EventKind.passageResolution] {
            var q = EventQuery()
            q.kind = kind
            q.since = since
            q.limit = EventQuery.maxLimit
            // Bounded: a restart reads at most this many events of a kind back.
            for _ in 0..<200 {
                guard let page = try? await store.events(q) else { break }
                out += page.events.filter { e in
                    e.lane != nil && (e.site.map(sites.contains) ?? true)
                }
                guard let next = page.next else { break }
                q.cursor = next
            }
        }
        return out.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
    }
}
