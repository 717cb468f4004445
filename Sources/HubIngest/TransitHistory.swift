import Foundation
import HubCorrelation
import HubModel
import HubStore

/// What a restarted hub, or one that takes correlation over, rebuilds its transit watches from:
/// the transit declarations that may still be open, and for one of them what is stored about it —
/// its `transit.*` findings and its seals' fixes and reports. Closures, so a stage under test can
/// be given any history; `store(_:)` reads a hub's store.
public struct TransitHistory: Sendable {
    /// Transit declarations in force that may still be under way at the given time.
    public var open: @Sendable (Date) async -> [Declaration]
    /// The stored findings about a transit declaration and its seals' reports since it was first
    /// received, in the order they were stored; nil when the store could not be read.
    public var stored: @Sendable (Declaration) async -> [InspectionEvent]?

    public init(
        open: @escaping @Sendable (Date) async -> [Declaration],
        stored: @escaping @Sendable (Declaration) async -> [InspectionEvent]?
    ) {
        self.open = open
        self.stored = stored
    }

    /// Declarations received this long before now are looked at when the hub starts. A transit
    /// declaration is lodged shortly before the unit leaves and a transit lasts hours to a few
    /// days, so a week covers every one that can still be under way.
    public static let receivedWithin: TimeInterval = 7 * 24 * 3600
    /// A transit due more than this long ago is not watched again at start: its overdue alarm is
    /// stored, and what is left to say (its arrival, a deviation) comes when the seal reports again,
    /// which restores its watch then.
    public static let overdueFor: TimeInterval = 2 * 24 * 3600
    /// Pages of declarations read at start, at most (`EventQuery.maxLimit` each).
    static let pageLimit = 50

    /// How much earlier than the declaration's first receipt its seals' reports are read: a unit
    /// that was offline delivers positions observed before they are received, and a report the
    /// stage took counts by when it was received.
    static let observedBefore: TimeInterval = 24 * 3600
    /// Pages of one seal's events read, at most (`EventQuery.maxLimit` each).
    static let sealPageLimit = 100

    /// The history in a hub's store: declarations listed by received time; a transit's findings
    /// and its seals' reports by seal (the subject's seal, as links are made) and, for a tracking
    /// e-seal that is its own seal (its unit id is the seal number), by device.
    public static func store(_ store: any EventStore & DeclarationStore) -> TransitHistory {
        TransitHistory(
            open: { now in
                var q = DeclarationListQuery()
                q.since = now.addingTimeInterval(-receivedWithin)
                q.limit = EventQuery.maxLimit
                var out: [Declaration] = []
                for _ in 0..<pageLimit {
                    guard let page = try? await store.declarations(q), let last = page.last else { break }
                    out += page.filter { d in
                        d.type == .transit && d.status == .active
                            && (d.transit?.end).map { $0 > now.addingTimeInterval(-overdueFor) } ?? false
                    }
                    q.after = last.number
                }
                return out
            },
            stored: { d in try? await events(about: d, in: store) })
    }

    /// Findings and reports about `d` received since its first version was, in the order stored.
    static func events(about d: Declaration, in store: any EventStore & DeclarationStore) async throws -> [InspectionEvent] {
        let since = try await store.versions(number: d.number).first?.receivedAt ?? d.receivedAt ?? .distantPast
        var out: [InspectionEvent] = []
        for seal in d.seals {
            for byDevice in [false, true] {
                var q = EventQuery()
                if byDevice { q.device = seal } else { q.seal = seal }
                q.since = since.addingTimeInterval(-observedBefore)
                q.limit = EventQuery.maxLimit
                for _ in 0..<sealPageLimit {
                    let page = try await store.events(q)
                    out += page.events
                    guard let next = page.next else { break }
                    q.cursor = next
                }
            }
        }
        var seen = Set<String>()
        return out.filter { e in
            guard seen.insert(e.id).inserted else { return false }
            if e.kind.hasPrefix("transit.") { return e.subject.declaration == d.number }
            return (e.kind == EventKind.gpsFix || e.kind == EventKind.sealStatus) && e.receivedAt >= since
        }
        .sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
    }
}
