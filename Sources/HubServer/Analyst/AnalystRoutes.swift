import Foundation
import HTTPTypes
import Hummingbird
import HubCorrelation
import HubModel
import HubStore
import NIOCore

/// The analyst's side: passage search and detail, a declaration with everything linked to it,
/// CSV and JSON exports with the search's filters, and the lane board with each lane's latest passage.
struct AnalystRoutes: RouteController {
    let store: any EventStore
    /// Where links, declarations and risk assessments are read; nil finds none.
    let declarationStore: (any DeclarationStore)?
    /// The lanes the board lists.
    let lanes: LaneActivity

    /// The filters of the passage search and its exports (`PassageFilter(parameters:)`).
    static let passageFilters = [
        "declaration", "container", "plate", "seal", "channel", "minScore", "maxScore", "site", "lane", "since", "until",
        "cursor", "limit", "order",
    ]
    /// The filters of the declaration search and its exports (`DeclarationFilter(parameters:)`).
    static let declarationFilters = [
        "number", "container", "plate", "seal", "ucr", "site", "since", "until", "channel", "minScore", "maxScore", "cursor",
        "limit",
    ]

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/passages", .analysts,
            doc: .init(
                summary: "Gate passages, searched and paginated with cursors.", query: Self.passageFilters,
                response: S.page("passages", S.ref("Passage")))
        ) { request, _ in
            try await passageSearch(request) { try JSONResponse.make(SearchPage(name: "passages", rows: $0, next: $1)) }
        }
        routes.get(
            "/api/v1/passages/:id", .analysts,
            doc: .init(
                summary: "A passage with its member events, their links and raw record references.",
                response: S.object(
                    ["passage": S.ref("Passage"), "event": S.ref("LinkedEvent"), "members": S.array(S.ref("LinkedEvent"))],
                    required: ["passage", "event", "members"]))
        ) { _, context in
            let id = try context.parameters.require("id")
            guard let e = try await store.event(id: id), e.kind == EventKind.passage else {
                return JSONResponse.error(.notFound, "no passage \(id)")
            }
            return try await passageDetail(e)
        }
        routes.get(
            "/api/v1/declarations/:number/detail", .people,
            doc: .init(
                summary: "A declaration with every linked event, the links' evidence, raw record references and the latest risk assessment.",
                response: S.object(
                    ["declaration": S.declarationRef, "risk": S.ref("LinkedEvent"), "events": S.array(S.ref("LinkedEvent"))],
                    required: ["declaration", "events"]))
        ) { _, context in
            try await declarationDetail(try context.parameters.require("number"))
        }
        routes.get(
            "/api/v1/export/passages.json", .analysts,
            doc: .init(
                summary: "Passages as a JSON array (same filters).", query: Self.passageFilters, response: S.array(S.ref("Passage")))
        ) { request, _ in
            try await passageSearch(request, exporting: true) { passages, next in Self.export(try JSONResponse.make(passages), next) }
        }
        routes.get(
            "/api/v1/export/passages.csv", .analysts,
            doc: .init(
                summary: "Passages as CSV (same filters; up to 1000 rows, `X-Next-Cursor` for more).", query: Self.passageFilters,
                produces: "text/csv", response: S.csv)
        ) { request, _ in
            try await passageSearch(request, exporting: true) { passages, next in Self.csv(CSV.passages(passages), next) }
        }
        routes.get(
            "/api/v1/declarations/search", .analysts,
            doc: .init(
                summary: "Declarations (latest versions), searched and paginated with cursors (the last number).",
                query: Self.declarationFilters, response: S.page("declarations", S.ref("DeclarationSummary")))
        ) { request, _ in
            try await declarationSearch(request) { try JSONResponse.make(SearchPage(name: "declarations", rows: $0, next: $1)) }
        }
        routes.get(
            "/api/v1/export/declarations.json", .analysts,
            doc: .init(
                summary: "Declarations as a JSON array (same filters).", query: Self.declarationFilters,
                response: S.array(S.ref("DeclarationSummary")))
        ) { request, _ in
            try await declarationSearch(request, exporting: true) { found, next in Self.export(try JSONResponse.make(found), next) }
        }
        routes.get(
            "/api/v1/export/declarations.csv", .analysts,
            doc: .init(
                summary: "Declarations as CSV (same filters; up to 1000 rows, `X-Next-Cursor` for more).",
                query: Self.declarationFilters, produces: "text/csv", response: S.csv)
        ) { request, _ in
            try await declarationSearch(request, exporting: true) { found, next in Self.csv(CSV.declarations(found), next) }
        }
        routes.get(
            "/api/v1/lanes", .people,
            doc: .init(
                summary: "The lane board: counts, last occupancy and alarm, latest passage.",
                response: S.object(
                    ["lanes": S.array(S.object(
                        ["site": S.string, "lane": S.string, "occupancies": S.integer, "alarms": S.integer, "lastOccupancy": S.eventRef,
                         "lastAlarm": S.eventRef, "lastEventAt": S.time, "latestPassage": S.ref("Passage")],
                        required: ["site", "lane", "occupancies", "alarms"]))],
                    required: ["lanes"]))
        ) { _, _ in try await laneBoard() }
    }
}

extension AnalystRoutes {
    /// The passage search with the request's filters, rendered by `render`.
    private func passageSearch(_ r: Request, exporting: Bool = false, render: ([PassageSummary], String?) throws -> Response) async throws -> Response {
        try await search(r, exporting: exporting, parse: PassageFilter.init(parameters:), limit: \.query.limit, run: searchPassages, render: render)
    }

    /// The declaration search with the request's filters, rendered by `render`.
    private func declarationSearch(_ r: Request, exporting: Bool = false, render: ([DeclarationSummary], String?) throws -> Response) async throws -> Response {
        try await search(r, exporting: exporting, parse: DeclarationFilter.init(parameters:), limit: \.query.limit, run: searchDeclarations, render: render)
    }

    /// Parses a search's filters (exports default to 1000 rows), runs it, and renders the page;
    /// a bad parameter or cursor gets 400 naming it.
    private func search<Filter, Row>(
        _ request: Request, exporting: Bool, parse: (Parameters) throws -> Filter, limit: WritableKeyPath<Filter, Int>,
        run: (Filter) async throws -> ([Row], String?), render: ([Row], String?) throws -> Response
    ) async throws -> Response {
        var filter: Filter
        do {
            filter = try parse(request.uri.queryParameters)
        } catch let e as BadRequest {
            return JSONResponse.error(.badRequest, e.message, field: e.field)
        }
        if exporting && request.uri.queryParameters.get("limit") == nil { filter[keyPath: limit] = EventQuery.maxLimit }
        do {
            let (rows, next) = try await run(filter)
            return try render(rows, next)
        } catch let e as InvalidCursor {
            return JSONResponse.error(.badRequest, e.description, field: "cursor")
        }
    }

    /// An export's response, with `X-Next-Cursor` when more rows match than it holds.
    static func export(_ response: Response, _ next: String?) -> Response {
        var r = response
        if let next { r.headers[HTTPField.Name("X-Next-Cursor")!] = next }
        return r
    }

    static func csv(_ text: String, _ next: String?) -> Response {
        export(
            Response(
                status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))), next)
    }

    /// An event with its links (and their evidence) and the reference to its raw record.
    struct LinkedEvent: Encodable {
        var event: InspectionEvent
        var links: [Link]
        /// Where its raw record is read: `GET /api/v1/raw/{sha256}`.
        var rawURL: String
    }

    private func linked(_ e: InspectionEvent) async throws -> LinkedEvent {
        LinkedEvent(
            event: e, links: try await declarationStore?.links(event: e.id) ?? [], rawURL: "/api/v1/raw/\(e.raw.sha256)")
    }

    private func passageDetail(_ e: InspectionEvent) async throws -> Response {
        struct Body: Encodable {
            var passage: PassageSummary
            var event: LinkedEvent
            /// Every member event (occupancy, reads, scan, seals), each with its links and raw record.
            var members: [LinkedEvent]
        }
        var members: [LinkedEvent] = []
        for id in (e.passage?.events ?? []).prefix(EventQuery.maxLimit) {
            if let m = try await store.event(id: id) { members.append(try await linked(m)) }
        }
        return try JSONResponse.make(Body(passage: try await summarize(e), event: try await linked(e), members: members))
    }

    private func declarationDetail(_ number: String) async throws -> Response {
        guard let d = try await declarationStore?.declaration(number: number, version: nil) else {
            return JSONResponse.error(.notFound, "no declaration \(number)")
        }
        struct Body: Encodable {
            var declaration: Declaration
            var risk: LinkedEvent?
            /// Every event linked to the version in force, with every link's evidence and the raw record.
            var events: [LinkedEvent]
        }
        let links = try await declarationStore?.links(declaration: number) ?? []
        var events: [LinkedEvent] = []
        for id in Self.unique(links.map(\.eventID)).prefix(EventQuery.maxLimit) {
            if let e = try await store.event(id: id) { events.append(try await linked(e)) }
        }
        var risk: LinkedEvent?
        if let r = try await declarationStore?.latestRiskAssessment(declaration: number) { risk = try await linked(r) }
        return try JSONResponse.make(Body(declaration: d, risk: risk, events: events))
    }
}

/// A page of search results: `{"<name>": [rows], "next": cursor}`.
struct SearchPage<Row: Encodable>: Encodable {
    var name: String
    var rows: [Row]
    var next: String?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(rows, forKey: Key(stringValue: name))
        try c.encodeIfPresent(next, forKey: Key(stringValue: "next"))
    }
}
