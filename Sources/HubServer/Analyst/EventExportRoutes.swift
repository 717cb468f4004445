import Foundation
import Hummingbird
import HubModel
import HubStore

/// The events list as a file: `GET /api/v1/export/events.csv` and `.json`, with the filters of
/// `GET /api/v1/events`. Bounded like the other exports: one store page of up to 1000 events
/// (the default when no `limit` is given), `X-Next-Cursor` when more match.
struct EventExportRoutes: RouteController {
    let store: any EventStore

    private typealias S = OpenAPISchemas

    func register(on routes: RouteTable) {
        routes.get(
            "/api/v1/export/events.json", .analysts,
            doc: .init(
                summary: "Events as a JSON array (the filters of /api/v1/events; up to 1000 rows, `X-Next-Cursor` for more).",
                query: EventRoutes.filters, response: S.array(S.eventRef))
        ) { request, _ in
            try await page(request) { events, next in AnalystRoutes.export(try JSONResponse.make(events), next) }
        }
        routes.get(
            "/api/v1/export/events.csv", .analysts,
            doc: .init(
                summary: "Events as CSV (the filters of /api/v1/events; up to 1000 rows, `X-Next-Cursor` for more).",
                query: EventRoutes.filters, produces: "text/csv", response: S.csv)
        ) { request, _ in
            try await page(request) { events, next in AnalystRoutes.csv(try CSV.events(events), next) }
        }
    }

    private func page(_ request: Request, render: ([InspectionEvent], String?) throws -> Response) async throws -> Response {
        var query: EventQuery
        do {
            query = try EventQuery(parameters: request.uri.queryParameters)
        } catch let e as BadRequest {
            return JSONResponse.error(.badRequest, e.message, field: e.field)
        }
        if request.uri.queryParameters.get("limit") == nil { query.limit = EventQuery.maxLimit }
        do {
            let page = try await store.events(query)
            return try render(page.events, page.next)
        } catch let e as InvalidCursor {
            return JSONResponse.error(.badRequest, e.description, field: "cursor")
        }
    }
}
