import Hummingbird

/// What the OpenAPI document says of one route, given where the route is registered
/// (`RouteTable.get(…, doc:)`): the method, path and roles come from the route itself, so the
/// document cannot name a route the router does not serve, nor other roles than its rule.
struct OpenAPIOperation {
    typealias Schema = OpenAPISchemas.Schema

    var summary: String
    /// Query parameter names; their types are in `OpenAPISchemas.query`.
    var query: [String] = []
    /// The request body's media type and schema, when it takes one.
    var body: (type: String, schema: Schema)?
    /// The success response's media type and schema.
    var produces = "application/json"
    var response: Schema
    var status = "200"
    /// Answers particular to this operation, by status.
    var answers: [String: String] = [:]
}

/// A route as the table holds it: its rule, and its operation when it was given one.
struct DocumentedRoute {
    var rule: RouteRule
    var operation: OpenAPIOperation?

    /// The path as the document writes it: `/api/v1/events/{id}`.
    var path: String { RouterPath(rule.pattern).description }

    /// Whether the route is part of the API (under `/api/`), which must be documented.
    var isAPI: Bool { path.split(separator: "/").first == "api" }
}
