import Foundation
import Hummingbird
import HubModel
import HubSite
import HubStore

/// Central image review: the queue of scans from every lane, claims, verdicts with four eyes, the
/// workload figures, and the overdue count the operator's console escalates.
///
/// A verdict is a `scan.verdict` event, written by the hub like a passage and stored through the
/// same sink as a device's events: hash-chained evidence, linked to the scan's declarations (whose
/// risk is assessed again), sent to the risk system through the feed. Claims are leases in memory.
struct ReviewRoutes: RouteController {
    let store: any EventStore
    let declarations: (any DeclarationStore)?
    let ids: EventIDGenerator
    let config: ConfigState?
    let claims: ReviewClaims
    /// How far back the queue looks.
    static let windowS: Double = 7 * 86_400

    private typealias S = OpenAPISchemas

    var settings: ReviewSettings { config?.current.review ?? ReviewSettings() }

    func register(on routes: RouteTable) {
        let item = S.ref("ReviewItem")
        routes.get(
            "/api/v1/reviews", .analysts,
            doc: .init(
                summary: "Scans awaiting image review from every lane (the last seven days), the most urgent first (red, yellow, green declarations, then none; oldest first), with each one's claim and verdicts, and the workload figures.",
                query: ["queue", "lane", "limit"],
                response: S.object(["reviews": S.array(item), "figures": S.ref("ReviewFigures")], required: ["reviews", "figures"]))
        ) { request, _ in
            let p = request.uri.queryParameters
            let filter = p.get("queue") ?? "waiting"
            guard ReviewQueue.filters.contains(filter) else {
                return JSONResponse.error(.badRequest, "expected one of \(ReviewQueue.filters.joined(separator: ", "))", field: "queue")
            }
            var limit = 200
            if let l = p.get("limit") {
                guard let n = Int(l), (1...1000).contains(n) else { return JSONResponse.error(.badRequest, "expected 1 to 1000", field: "limit") }
                limit = n
            }
            let all = try await items(lane: p.get("lane"))
            var rows = all.filter { filter == "overdue" ? $0.overdue : $0.state.rawValue == filter }
            if filter == "done" { rows.sort { $0.scan.observedAt > $1.scan.observedAt } }
            struct Body: Encodable {
                var reviews: [ReviewItem]
                var figures: ReviewQueue.Figures
            }
            return try JSONResponse.make(Body(reviews: Array(rows.prefix(limit)), figures: ReviewQueue.figures(all.map(\.done))))
        }
        routes.get(
            "/api/v1/lanes/overdue-reviews", .people,
            doc: .init(
                summary: "Per lane, the scans still without a final image verdict past the lane's time limit, for the operator's console.",
                response: S.object(
                    ["lanes": S.array(S.object(["lane": S.string, "overdue": S.integer, "oldestSeconds": S.number], required: ["lane", "overdue", "oldestSeconds"]))],
                    required: ["lanes"]))
        ) { _, _ in
            var byLane: [String: (n: Int, oldest: Double)] = [:]
            for i in try await items(lane: nil) where i.overdue {
                let lane = i.scan.lane ?? ""
                let had = byLane[lane] ?? (0, 0)
                byLane[lane] = (had.n + 1, max(had.oldest, i.ageSeconds))
            }
            struct Lane: Encodable {
                var lane: String
                var overdue: Int
                var oldestSeconds: Double
            }
            struct Body: Encodable { var lanes: [Lane] }
            return try JSONResponse.make(Body(lanes: byLane.keys.sorted().map { Lane(lane: $0, overdue: byLane[$0]!.n, oldestSeconds: byLane[$0]!.oldest) }))
        }
        routes.get(
            "/api/v1/reviews/:scanEvent", .analysts,
            doc: .init(summary: "One scan's review: the scan, its state, claim, verdicts and linked declaration.", response: item)
        ) { _, context in
            let id = try context.parameters.require("scanEvent")
            guard let found = try await one(id) else { return JSONResponse.error(.notFound, "no scan \(id)") }
            return try JSONResponse.make(found)
        }
        routes.get(
            "/api/v1/reviews/:scanEvent/previous", .analysts,
            doc: .init(
                summary: "Earlier scans of the same containers, and of declarations with goods of the same HS heading, newest first.",
                response: S.object(
                    ["containers": S.strings, "headings": S.strings, "sameContainer": S.array(S.ref("PreviousScan")),
                     "sameGoods": S.array(S.ref("PreviousScan"))],
                    required: ["containers", "headings", "sameContainer", "sameGoods"]))
        ) { _, context in
            let id = try context.parameters.require("scanEvent")
            guard let scan = try await store.event(id: id), scan.kind == EventKind.scanResult else {
                return JSONResponse.error(.notFound, "no scan \(id)")
            }
            let previous = PreviousScans(store: store, declarations: declarations)
            return try JSONResponse.make(try await previous.answer(for: scan) { try await finalVerdicts(of: $0) })
        }
        registerActions(on: routes)
    }

    // MARK: - reading the queue

    /// Every scan of the window (of `lane`), with verdicts, claims and declarations, in priority order.
    func items(lane: String?, now: Date = Date()) async throws -> [ReviewItem] {
        var q = EventQuery()
        q.kind = EventKind.scanResult
        q.since = now.addingTimeInterval(-Self.windowS)
        q.lane = lane
        q.limit = EventQuery.maxLimit
        q.newestFirst = true
        let scans = try await store.events(q).events
        return try await build(scans, now: now).sorted {
            ($0.priorityRank, $0.scan.observedAt) < ($1.priorityRank, $1.scan.observedAt)
        }
    }

    func one(_ id: String) async throws -> ReviewItem? {
        guard let scan = try await store.event(id: id), scan.kind == EventKind.scanResult else { return nil }
        return try await build([scan], now: Date()).first
    }

    /// Verdict events of the window, by the scan they judge, oldest first.
    func verdicts(since: Date) async throws -> [String: [InspectionEvent]] {
        var q = EventQuery()
        q.kind = EventKind.scanVerdict
        q.since = since
        q.limit = EventQuery.maxLimit
        var out: [String: [InspectionEvent]] = [:]
        var page = try await store.events(q)
        while true {
            for e in page.events { if let v = e.scanVerdict { out[v.scanEvent, default: []].append(e) } }
            guard let next = page.next else { break }
            q.cursor = next
            page = try await store.events(q)
        }
        return out
    }

    func finalVerdicts(of scans: [String]) async throws -> [String: String] {
        let all = try await verdicts(since: Date().addingTimeInterval(-365 * 86_400))
        var out: [String: String] = [:]
        for s in scans { if let f = all[s]?.compactMap(\.scanVerdict).first(where: \.final) { out[s] = f.verdict.rawValue } }
        return out
    }

    private func build(_ scans: [InspectionEvent], now: Date) async throws -> [ReviewItem] {
        guard let oldest = scans.map(\.observedAt).min() else { return [] }
        let verdicts = try await verdicts(since: oldest.addingTimeInterval(-60))
        let leases = await claims.current(scans.map(\.id), now: now)
        var linked: [String: String] = [:]
        var channels: [String: Declaration.Channel] = [:]
        if let declarations {
            for link in try await declarations.links(events: scans.map(\.id)) where linked[link.eventID] == nil {
                linked[link.eventID] = link.declaration
            }
            for number in Set(linked.values) {
                if let c = try await declarations.latestRiskAssessment(declaration: number)?.riskAssessment?.channel {
                    channels[number] = Declaration.Channel(rawValue: c)
                } else if let d = try await declarations.declaration(number: number, version: nil) {
                    channels[number] = d.channel
                }
            }
        }
        let settings = self.settings
        return scans.map { scan in
            let mine = verdicts[scan.id] ?? []
            let payloads = mine.compactMap(\.scanVerdict)
            let state = ReviewQueue.state(payloads, claimed: leases[scan.id] != nil)
            let limit = settings.limitS(lane: scan.lane)
            let deadline = scan.observedAt.addingTimeInterval(limit)
            let declaration = linked[scan.id]
            return ReviewItem(
                scan: .init(scan), state: state, overdue: state != .done && now > deadline, deadlineAt: deadline,
                ageSeconds: max(0, now.timeIntervalSince(scan.observedAt)), channel: declaration.flatMap { channels[$0] },
                declaration: declaration, claim: leases[scan.id], verdicts: mine.map(ReviewItem.Verdict.init))
        }
    }
}

/// One scan in the queue, as the screens read it.
struct ReviewItem: Encodable, Sendable {
    struct Scan: Encodable, Sendable {
        var id: String
        var lane: String?
        var site: String?
        var observedAt: Date
        var scanId: String?
        var deviceFamily: String
        var containers: [String]
        var plates: [String]
        var images: [JSONValue]
        var atdResult: String?
        var atdRegions: [JSONValue]
        var bag: JSONValue?

        init(_ e: InspectionEvent) {
            let d = e.data
            id = e.id
            lane = e.lane
            site = e.site
            observedAt = e.observedAt
            scanId = e.scanResult?.scanId
            deviceFamily = e.device.family
            containers = e.subject.containers ?? []
            plates = e.subject.plates ?? []
            if case .array(let a)? = d["images"] { images = a } else { images = [] }
            if case .string(let r)? = d["atdResult"] { atdResult = r }
            if case .array(let a)? = d["atdRegions"] { atdRegions = a } else { atdRegions = [] }
            bag = d["bag"]
        }
    }

    /// A verdict event as the page shows it: its id and time, and the verdict's members.
    struct Verdict: Encodable, Sendable {
        var id: String
        var at: Date
        var data: [String: JSONValue]

        init(_ e: InspectionEvent) {
            id = e.id
            at = e.receivedAt
            data = e.data
        }

        func encode(to encoder: any Encoder) throws {
            var all = data
            all["id"] = .string(id)
            all["at"] = .string(Timestamp.format(at))
            try all.encode(to: encoder)
        }
    }

    var scan: Scan
    var state: ReviewQueue.State
    var overdue: Bool
    var deadlineAt: Date
    var ageSeconds: Double
    var channel: Declaration.Channel?
    var declaration: String?
    var claim: ReviewClaims.Claim?
    var verdicts: [Verdict]

    var priorityRank: Int { ReviewQueue.priority(channel) }

    /// The scan's facts for the workload figures.
    var done: ReviewQueue.Done {
        ReviewQueue.Done(
            lane: scan.lane ?? "", scannedAt: scan.observedAt,
            verdicts: verdicts.compactMap { v in (try? ScanVerdictPayload(json: v.data)).map { (v.at, $0) } })
    }

    enum CodingKeys: String, CodingKey { case scan, state, overdue, deadlineAt, ageSeconds, channel, declaration, claim, verdicts }
}
