import Foundation
import HubModel
import HubStore

/// Earlier scans an analyst compares a scan with: those of the same containers, and those linked to
/// a declaration that declares goods of the same HS heading (the first four digits), newest first.
///
/// Read from the newest `window` scan results (by default the last 500 and at most a year back), so
/// the answer costs the same on a store of ten years; what the window misses is older than any
/// analyst compares with.
struct PreviousScans: Sendable {
    let store: any EventStore
    let declarations: (any DeclarationStore)?
    var window = 500
    var perGroup = 6

    /// One earlier scan, as the page shows it beside the one under review.
    struct Scan: Encodable, Sendable {
        var id: String
        var observedAt: Date
        var lane: String?
        var scanId: String?
        var containers: [String]
        var image: Image?
        /// The final image verdict (`clear`, `suspect`, `inspect`), when analysts gave one.
        var verdict: String?
        var declaration: String?

        struct Image: Encodable, Sendable {
            var name: String
            var sha256: String
            var view: String?
        }
    }

    struct Answer: Encodable, Sendable {
        var containers: [String]
        var headings: [String]
        var sameContainer: [Scan]
        var sameGoods: [Scan]
    }

    /// The HS heading of a code: its first four digits, or nil for a code too short to have one.
    static func heading(_ hsCode: String) -> String? {
        let digits = hsCode.filter(\.isNumber)
        return digits.count >= 4 ? String(digits.prefix(4)) : nil
    }

    func answer(for scan: InspectionEvent, finalVerdicts: (([String]) async throws -> [String: String])) async throws -> Answer {
        let containers = Set(scan.subject.containers ?? [])
        var q = EventQuery()
        q.kind = EventKind.scanResult
        q.newestFirst = true
        q.limit = window
        q.since = scan.observedAt.addingTimeInterval(-365 * 86_400)
        let recent = try await store.events(q).events.filter { $0.id != scan.id && $0.observedAt <= scan.observedAt }

        // Declarations of this scan and of the recent ones, with their goods' headings.
        var linked: [String: [String]] = [:]  // event id → declaration numbers
        var headingsOf: [String: Set<String>] = [:]  // declaration number → headings
        if let declarations {
            for link in try await declarations.links(events: [scan.id] + recent.map(\.id)) {
                linked[link.eventID, default: []].append(link.declaration)
            }
            for number in Set(linked.values.joined()) {
                let d = try await declarations.declaration(number: number, version: nil)
                headingsOf[number] = Set((d?.goods ?? []).compactMap { Self.heading($0.hsCode) })
            }
        }
        let headings = Set((linked[scan.id] ?? []).flatMap { headingsOf[$0] ?? [] })
        let sameContainer = recent.filter { !containers.isDisjoint(with: $0.subject.containers ?? []) }.prefix(perGroup)
        let taken = Set(sameContainer.map(\.id))
        let sameGoods = recent.filter { e in
            !taken.contains(e.id) && (linked[e.id] ?? []).contains { !(headingsOf[$0] ?? []).isDisjoint(with: headings) }
        }.prefix(perGroup)
        let verdicts = try await finalVerdicts(Array(sameContainer.map(\.id)) + sameGoods.map(\.id))
        func row(_ e: InspectionEvent) -> Scan {
            let s = e.scanResult
            let image = (s?.images ?? []).first.map { Scan.Image(name: $0.name, sha256: $0.sha256, view: $0.view) }
            return Scan(
                id: e.id, observedAt: e.observedAt, lane: e.lane, scanId: s?.scanId, containers: e.subject.containers ?? [],
                image: image, verdict: verdicts[e.id], declaration: linked[e.id]?.first)
        }
        return Answer(
            containers: containers.sorted(), headings: headings.sorted(), sameContainer: sameContainer.map(row),
            sameGoods: sameGoods.map(row))
    }
}
