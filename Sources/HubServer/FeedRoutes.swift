import Foundation
import Hummingbird
import HubModel
import HubStore

/// `GET /api/v1/feed?after=CURSOR&limit=N`: the risk system's pull side of the feed — every
/// `risk.assessment` after the cursor, in order, each with its own cursor and idempotency key.
struct FeedRoutes: RouteController {
    let store: any EventStore
    /// Where each consumer's position is noted, for its lag in `/metrics`.
    let consumers: FeedConsumers?

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/feed", .analysts,
            doc: .init(
                summary: "The risk system's pull feed.", query: ["after", "limit"],
                response: S.object(
                    ["items": S.array(S.object(
                        ["cursor": S.string, "idempotencyKey": S.string, "event": S.eventRef],
                        required: ["cursor", "idempotencyKey", "event"])),
                     "next": S.string], required: ["items"]))
        ) { request, context in
            var q = EventQuery()
            q.kind = EventKind.riskAssessment
            q.cursor = request.uri.queryParameters.get("after")
            if let l = request.uri.queryParameters.get("limit") {
                guard let n = Int(l), (1...EventQuery.maxLimit).contains(n) else {
                    return JSONResponse.error(.badRequest, "expected 1 to \(EventQuery.maxLimit)", field: "limit")
                }
                q.limit = n
            }
            struct Item: Encodable {
                var cursor: String
                var idempotencyKey: String
                var event: InspectionEvent
            }
            struct Body: Encodable {
                var items: [Item]
                var next: String?
            }
            do {
                let page = try await store.events(q)
                let items = zip(page.events, page.cursors).map { Item(cursor: $1, idempotencyKey: $0.id, event: $0) }
                let next = items.last?.cursor ?? q.cursor
                consumers?.pulled(by: context.who.name, through: next)
                return try JSONResponse.make(Body(items: items, next: next))
            } catch let e as InvalidCursor {
                return JSONResponse.error(.badRequest, e.description, field: "after")
            }
        }
    }
}
