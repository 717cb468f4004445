import Foundation
import Hummingbird
import HubCorrelation
import HubModel
import HubSite
import HubStore

/// Time-release figures (WCO Time Release Study): dwell per stage and end to end, p50/p90 per hour or day,
/// lane and channel, read from the stored passages and their own evidence; and the slowest passages.
/// Hours and days are the site's (`console.timeZone`): a day shift is one day, not two UTC halves.
struct TimeReleaseRoutes: RouteController {
    let store: any EventStore
    /// Where the passages' declarations and their risk assessments (the customs decision) are read; nil finds none.
    let declarationStore: (any DeclarationStore)?
    /// Where the site's zone is read (at each request, so a reload applies); nil groups in UTC.
    var config: ConfigState? = nil

    /// The site's zone, UTC when it has none.
    var zone: TimeZone {
        config.flatMap { TimeZone(identifier: $0.current.console.timeZone) } ?? TimeZone(identifier: "UTC")!
    }

    static let filters = ["site", "lane", "since", "until", "by", "slowest"]
    /// Passage events read per request at most, so a wide window stays bounded.
    static let maxPassages = 5000

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/time-release", .analysts,
            doc: .init(
                summary: "Time-release figures: p50/p90 seconds per stage and end to end, per hour or day of the site's zone (timeZone), lane and channel; each lane over the window; the end-to-end trend per day, lane and channel; and the slowest passages with the stage that held them.",
                query: Self.filters, response: S.ref("TimeRelease"))
        ) { request, _ in
            try await figures(request) { try JSONResponse.make($0) }
        }
        routes.get(
            "/api/v1/time-release.csv", .analysts,
            doc: .init(
                summary: "Time-release figures as CSV, one row per period, lane and channel; times in seconds.",
                query: Self.filters, produces: "text/csv", response: S.csv)
        ) { request, _ in
            try await figures(request) { AnalystRoutes.csv(TimeReleaseCSV.text($0), nil) }
        }
    }

    /// Parses the request, reads the passages and renders their figures; a bad parameter gets 400 naming it.
    private func figures(_ request: Request, render: (TimeReleaseReport) throws -> Response) async throws -> Response {
        let parameters: TimeReleaseParameters
        do {
            parameters = try TimeReleaseParameters(request.uri.queryParameters)
        } catch let e as BadRequest {
            return JSONResponse.error(.badRequest, e.message, field: e.field)
        }
        let (stamps, truncated) = try await self.stamps(parameters.query)
        return try render(Self.report(stamps, by: parameters.period, in: zone, slowest: parameters.slowest, truncated: truncated))
    }

    /// The figures of `stamps` as the routes (and the daily report) give them.
    static func report(_ stamps: [TimeReleaseStamps], by period: TimeReleaseFigures.Period, in zone: TimeZone, slowest: Int,
                       truncated: Bool) -> TimeReleaseReport {
        TimeReleaseReport(
            figures: TimeReleaseFigures(stamps, by: period, in: zone), lanes: TimeReleaseFigures.lanes(stamps),
            trend: TimeReleaseTrend(stamps, in: zone), slowest: TimeReleaseFigures.slowest(stamps, count: slowest),
            truncated: truncated)
    }

    /// The stage times of every passage in the window (each at its newest revision), and whether the cap cut it.
    func stamps(_ base: EventQuery) async throws -> (stamps: [TimeReleaseStamps], truncated: Bool) {
        let (passages, truncated) = try await newestRevisions(base)
        let evidenceIDs = Array(Set(passages.flatMap { $0.passage?.events ?? [] }))
        var evidence: [String: InspectionEvent] = [:]
        for start in stride(from: 0, to: evidenceIDs.count, by: EventQuery.maxLimit) {
            let chunk = Array(evidenceIDs[start..<min(start + EventQuery.maxLimit, evidenceIDs.count)])
            for e in try await store.events(ids: chunk) { evidence[e.id] = e }
        }
        let decisions = try await self.decisions(passages.map(\.id))
        return (
            passages.compactMap { e in
                guard let p = e.passage else { return nil }
                return TimeReleaseStamps(
                    passage: e, payload: p, evidence: p.events.compactMap { evidence[$0] }, decision: decisions[e.id])
            }, truncated
        )
    }

    /// Passage events in the window, oldest first, keeping only each passage's newest revision.
    private func newestRevisions(_ base: EventQuery) async throws -> ([InspectionEvent], Bool) {
        var query = base
        query.kind = EventKind.passage
        query.newestFirst = false
        query.limit = EventQuery.maxLimit
        var all: [InspectionEvent] = []
        var truncated = false
        while true {
            let page = try await store.events(query)
            all += page.events
            guard let next = page.next else { break }
            if all.count >= Self.maxPassages {
                truncated = true
                break
            }
            query.cursor = next
        }
        let superseded = Set(all.flatMap { $0.passage?.supersedes ?? [] })
        var newest: [String: InspectionEvent] = [:]
        var order: [String] = []
        for e in all where !superseded.contains(e.id) {
            guard let id = e.passage?.passage else { continue }
            if newest[id] == nil { order.append(id) }
            newest[id] = e
        }
        return (order.compactMap { newest[$0] }, truncated)
    }

    /// Per passage event, the latest risk assessment of the declarations linked to it: the decision that released it.
    private func decisions(_ passageEvents: [String]) async throws -> [String: InspectionEvent] {
        guard let declarationStore, !passageEvents.isEmpty else { return [:] }
        let links = try await declarationStore.links(events: passageEvents)
        var assessments: [String: InspectionEvent] = [:]
        for number in Set(links.map(\.declaration)) {
            assessments[number] = try await declarationStore.latestRiskAssessment(declaration: number)
        }
        var out: [String: InspectionEvent] = [:]
        for link in links {
            guard let a = assessments[link.declaration] else { continue }
            if let known = out[link.eventID], known.observedAt >= a.observedAt { continue }
            out[link.eventID] = a
        }
        return out
    }
}

/// `by`, `slowest` and the event filters `site, lane, since, until` of the time-release routes.
struct TimeReleaseParameters {
    var query = EventQuery()
    var period = TimeReleaseFigures.Period.hour
    /// How many of the slowest passages to list.
    var slowest = 10

    static let maxSlowest = 100

    init(_ p: Parameters) throws {
        let q = try EventQuery(parameters: p)
        query.site = q.site
        query.lane = q.lane
        query.since = q.since
        query.until = q.until
        if let since = q.since, let until = q.until, until < since {
            throw BadRequest(field: "until", message: "expected a time after since")
        }
        if let by = p.get("by") {
            guard let v = TimeReleaseFigures.Period(rawValue: by) else {
                throw BadRequest(field: "by", message: "expected hour or day; got '\(by)'")
            }
            period = v
        }
        if let n = p.get("slowest") {
            guard let v = Int(n), v >= 0, v <= Self.maxSlowest else {
                throw BadRequest(field: "slowest", message: "expected 0 to \(Self.maxSlowest); got '\(n)'")
            }
            slowest = v
        }
    }
}
