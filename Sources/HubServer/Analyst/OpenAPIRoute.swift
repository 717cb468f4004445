import Hummingbird
import NIOCore

/// `GET /api/v1/openapi.json`: the document made from the routes registered before it, which is
/// why it is registered last (`HubAPI`). It describes itself as well.
struct OpenAPIRoute: RouteController {
    static let path = "/api/v1/openapi.json"

    func register(on routes: RouteTable) {
        let access = Access.people
        let doc = OpenAPIOperation(
            summary: "This document.",
            response: ["type": "object", "description": "An OpenAPI 3.1 document.", "required": ["openapi", "paths"]])
        // Made before this route is registered (its handler serves fixed bytes), so its own entry is added by hand.
        let own = DocumentedRoute(
            rule: RouteRule(method: .get, pattern: Self.path, access: access, audit: nil, bodyTypes: nil), operation: doc)
        let document = ByteBuffer(bytes: OpenAPIDocument.json(routes.entries + [own]))
        routes.get(Self.path, access, doc: doc) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: document))
        }
    }
}
