import Foundation
import HTTPTypes
import Hummingbird
import HubDrivers
import HubModel
import HubStore
import NIOCore

extension HubAPI {
    /// The analyst's side: passage search and detail, a declaration with everything linked to it,
    /// CSV and JSON exports with the search's filters, and an occupancy as an N42 document.
    func addAnalystRoutes(to router: RouteTable) {
        router.get("/api/v1/passages", .analysts) { request, _ in
            try await passageSearch(request) { try JSONResponse.make(SearchPage(name: "passages", rows: $0, next: $1)) }
        }
        router.get("/api/v1/passages/:id", .analysts) { _, context in
            let id = try context.parameters.require("id")
            guard let e = try await store.event(id: id), e.kind == EventKind.passage else {
                return JSONResponse.error(.notFound, "no passage \(id)")
            }
            return try await passageDetail(e)
        }
        router.get("/api/v1/declarations/:number/detail", .people) { _, context in
            try await declarationDetail(try context.parameters.require("number"))
        }
        router.get("/api/v1/export/passages.json", .analysts) { request, _ in
            try await passageSearch(request, exporting: true) { passages, next in Self.export(try JSONResponse.make(passages), next) }
        }
        router.get("/api/v1/export/passages.csv", .analysts) { request, _ in
            try await passageSearch(request, exporting: true) { passages, next in Self.csv(CSV.passages(passages), next) }
        }
        router.get("/api/v1/declarations/search", .analysts) { request, _ in
            try await declarationSearch(request) { try JSONResponse.make(SearchPage(name: "declarations", rows: $0, next: $1)) }
        }
        router.get("/api/v1/export/declarations.json", .analysts) { request, _ in
            try await declarationSearch(request, exporting: true) { found, next in Self.export(try JSONResponse.make(found), next) }
        }
        router.get("/api/v1/export/declarations.csv", .analysts) { request, _ in
            try await declarationSearch(request, exporting: true) { found, next in Self.csv(CSV.declarations(found), next) }
        }
        router.get("/api/v1/events/:id/n42", .people) { _, context in
            let id = try context.parameters.require("id")
            guard let e = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
            switch N42OccupancyExport.document(for: e) {
            case .failure(.notAnOccupancy):
                return JSONResponse.error(.notFound, "event \(id) is a \(e.kind), not a radiation.occupancy")
            case .failure(.missing(let field)):
                return JSONResponse.error(.unprocessableContent, "event \(id) has no \(field)", field: field)
            case .success(let xml):
                return Response(
                    status: .ok, headers: [.contentType: "application/xml; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
            }
        }
    }

    /// `GET /api/v1/openapi.json`, registered after every other route: each operation's roles come
    /// from the rule its route was registered with, so the document and the router cannot disagree.
    func addOpenAPIRoute(to router: RouteTable) {
        let path = "/api/v1/openapi.json"
        var rules = router.rules
        rules.append(RouteRule(method: .get, pattern: path, access: .people, audit: nil, bodyTypes: nil))
        let document = ByteBuffer(bytes: OpenAPIDocument.json(rules: rules))
        router.get(path, .people) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: document))
        }
    }

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
        for id in Self.strings(e.data["events"]).prefix(EventQuery.maxLimit) {
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

/// Rows as CSV (RFC 4180): a header row, CRLF line ends, lists joined by spaces, and a field
/// quoted (quotes doubled) when it holds a comma, quote or line break.
public enum CSV {
    static func text(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it needs to be. A cell a spreadsheet would run as a formula (it starts
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return: a trader's name, a note, a plate read
    /// are all outside text) gets a leading `'`, which shows as text; a plain number keeps its sign.
    public static func field(_ text: String) -> String {
        var s = text
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(s) == nil { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func passages(_ passages: [PassageSummary]) -> String {
        let header = [
            "id", "site", "lane", "startedAt", "endedAt", "containers", "plates", "seals", "declarations", "channel",
            "score", "rpmResult", "scanResult", "alarmed", "missing", "rawSha256", "passage", "revision", "ambiguous",
        ]
        return text(
            header: header,
            rows: passages.map { p in
                [
                    p.id, p.site ?? "", p.lane ?? "", p.startedAt ?? "", p.endedAt ?? "", p.containers.joined(separator: " "),
                    p.plates.joined(separator: " "), p.seals.joined(separator: " "),
                    p.declarations.map(\.number).joined(separator: " "),
                    p.declarations.compactMap(\.channel).joined(separator: " "),
                    p.declarations.compactMap(\.score).map { String($0) }.joined(separator: " "), p.rpmResult ?? "",
                    p.scanResult ?? "", p.alarmed ? "true" : "false", p.missing.joined(separator: " "), p.raw.sha256,
                    p.passage ?? "", p.revision.map { String($0) } ?? "", p.ambiguous ? "true" : "false",
                ]
            })
    }

    static func declarations(_ declarations: [DeclarationSummary]) -> String {
        let header = [
            "number", "version", "status", "site", "office", "type", "declaredChannel", "channel", "score", "containers",
            "plates", "seals", "trader", "receivedAt",
        ]
        return text(
            header: header,
            rows: declarations.map { s in
                let d = s.declaration
                return [
                    d.number, String(d.version), d.status.rawValue, d.site ?? "", d.office, d.type.rawValue,
                    d.channel.rawValue, s.channel ?? "", s.score.map { String($0) } ?? "", d.containers.joined(separator: " "),
                    d.plates.joined(separator: " "), d.seals.joined(separator: " "), d.trader.name ?? d.trader.tin,
                    d.receivedAt.map(Timestamp.format) ?? "",
                ]
            })
    }
}
