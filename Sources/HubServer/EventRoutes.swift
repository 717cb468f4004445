import Foundation
import Hummingbird
import HubDrivers
import HubModel
import HubStore
import NIOCore

/// Events and their raw records as stored: the filtered list, one event, an occupancy as an N42
/// document, and a raw record by SHA-256.
struct EventRoutes: RouteController {
    let store: any EventStore

    /// The filters `GET /api/v1/events` reads (`EventQuery(parameters:)`).
    static let filters = ["kind", "device", "site", "lane", "severity", "since", "until", "cursor", "limit", "order"]

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/events", .people,
            doc: .init(summary: "Events, filtered and paginated with cursors.", query: Self.filters, response: S.page("events", S.eventRef))
        ) { request, _ in try await events(request) }
        routes.get("/api/v1/events/:id", .people, doc: .init(summary: "One event.", response: S.eventRef)) { _, context in
            let id = try context.parameters.require("id")
            guard let e = try await store.event(id: id) else { return JSONResponse.error(.notFound, "no event \(id)") }
            return try JSONResponse.make(e)
        }
        routes.get(
            "/api/v1/events/:id/n42", .people,
            doc: .init(
                summary: "A radiation.occupancy event as an N42.42-2012 document.", produces: "application/xml",
                response: ["type": "string", "description": "An N42.42-2012 RadInstrumentData document."])
        ) { _, context in try await n42(try context.parameters.require("id")) }
        routes.get(
            "/api/v1/raw/:sha256", .people,
            doc: .init(
                summary: "A raw record by SHA-256.",
                response: S.object(
                    ["sha256": S.string, "format": S.string, "device": S.string, "firstReceivedAt": S.time, "receivedAt": S.time,
                     "frames": S.integer, "bytes": S.integer, "base64": ["type": "string", "contentEncoding": "base64"], "text": S.string],
                    required: ["sha256", "format", "device", "frames", "bytes", "base64"]))
        ) { _, context in try await raw(try context.parameters.require("sha256")) }
    }

    private func events(_ request: Request) async throws -> Response {
        let query: EventQuery
        do {
            query = try EventQuery(parameters: request.uri.queryParameters)
        } catch let e as BadRequest {
            return JSONResponse.error(.badRequest, e.message, field: e.field)
        }
        struct Body: Encodable {
            var events: [InspectionEvent]
            var next: String?
        }
        do {
            let page = try await store.events(query)
            return try JSONResponse.make(Body(events: page.events, next: page.next))
        } catch let e as InvalidCursor {
            return JSONResponse.error(.badRequest, e.description, field: "cursor")
        }
    }

    private func n42(_ id: String) async throws -> Response {
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

    private func raw(_ sha256: String) async throws -> Response {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
            return JSONResponse.error(.badRequest, "expected 64 hex digits", field: "sha256")
        }
        struct Record: Encodable {
            var sha256: String
            var format: String
            var device: String
            var firstReceivedAt: Date
            var receivedAt: Date
            var frames: Int
            var bytes: Int
            var base64: String
            /// The bytes as text when they are UTF-8 (line protocols), for reading by eye.
            var text: String?
        }
        let records = try await store.rawRecords(sha256: sha256.lowercased())
        guard let r = records.first else { return JSONResponse.error(.notFound, "no raw record \(sha256)") }
        return try JSONResponse.make(
            Record(
                sha256: r.sha256, format: r.format, device: r.deviceID, firstReceivedAt: r.firstReceivedAt,
                receivedAt: r.receivedAt, frames: r.frameCount, bytes: r.bytes.count,
                base64: Data(r.bytes).base64EncodedString(), text: String(validating: r.bytes, as: UTF8.self)))
    }
}

extension EventQuery {
    /// Reads `kind, device, site, lane, severity, since, until, cursor, limit, order` from a query string.
    init(parameters p: Parameters) throws {
        self.init()
        kind = p.get("kind")
        device = p.get("device")
        site = p.get("site")
        lane = p.get("lane")
        if let s = p.get("severity") {
            guard let v = Severity(rawValue: s) else {
                throw BadRequest(field: "severity", message: "expected info, warning or alarm; got '\(s)'")
            }
            severity = v
        }
        for (name, keyPath) in [("since", \EventQuery.since), ("until", \EventQuery.until)] {
            guard let text = p.get(name) else { continue }
            guard let date = Timestamp.parse(text) else {
                throw BadRequest(field: name, message: "expected an RFC 3339 time like 2026-01-31T08:00:00Z; got '\(text)'")
            }
            self[keyPath: keyPath] = date
        }
        cursor = p.get("cursor")
        if let l = p.get("limit") {
            guard let v = Int(l), v >= 1, v <= EventQuery.maxLimit else {
                throw BadRequest(field: "limit", message: "expected 1 to \(EventQuery.maxLimit); got '\(l)'")
            }
            limit = v
        }
        if let o = p.get("order") {
            guard o == "asc" || o == "desc" else {
                throw BadRequest(field: "order", message: "expected asc or desc; got '\(o)'")
            }
            newestFirst = o == "desc"
        }
    }
}
