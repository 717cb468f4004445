import Foundation
import HTTPTypes
import HubStore

/// The API described as OpenAPI 3.1, served at `/api/v1/openapi.json`. It is made from the route
/// table: each registered route brings its own operation, and its roles come from the rule it was
/// registered with, so the document and the router cannot disagree.
enum OpenAPIDocument {
    /// An operation's `description`: who may call it, from its route's rule.
    static func roles(_ access: Access) -> String {
        switch access {
        case .open: return "No credential needed."
        case .roles(let r): return "Roles: " + r.map(\.rawValue).sorted().joined(separator: ", ") + "."
        }
    }

    /// The document of every route in `routes` that carries an operation.
    static func document(_ routes: [DocumentedRoute]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            guard let op = route.operation else { continue }
            let path = route.path
            var parameters: [[String: Any]] = []
            var start = path.startIndex
            while let open = path[start...].firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
                let name = String(path[path.index(after: open)..<close])
                parameters.append(["name": name, "in": "path", "required": true, "schema": OpenAPISchemas.path(name)])
                start = close
            }
            for q in op.query {
                parameters.append(["name": q, "in": "query", "required": false, "schema": OpenAPISchemas.query[q] ?? [:]])
            }
            let access = route.rule.access
            let open = access == .open
            var responses: [String: Any] = [
                op.status: ["description": "Success", "content": [op.produces: ["schema": op.response]]],
                "400": error("A parameter or body is invalid; `field` names it (`problems` for a document)."),
                "401": error("No valid credential."),
                "403": error("The caller's role may not call this."),
                "404": error("Not found."),
            ]
            for (status, text) in op.answers { responses[status] = error(text) }
            var operation: [String: Any] = [
                "summary": op.summary,
                "description": roles(access),
                "parameters": parameters,
                "responses": responses,
            ]
            if open { operation["security"] = [[String: Any]]() }
            if let body = op.body {
                operation["requestBody"] = ["required": true, "content": [body.type: ["schema": body.schema]]]
                var responses = operation["responses"] as? [String: Any] ?? [:]
                responses["413"] = ["description": "The body is larger than this route accepts."]
                responses["415"] = ["description": "The body's Content-Type is not one this route reads."]
                operation["responses"] = responses
            }
            paths[path, default: [:]][route.rule.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "NII Hub API", "version": "1"],
            "servers": [["url": "/"]],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": OpenAPISchemas.components,
            ] as [String: Any],
            "security": [["bearer": [String]()]],
            "paths": paths,
        ]
    }

    /// An error answer: `{"error", "field", "problems"}`.
    private static func error(_ description: String) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": OpenAPISchemas.ref("Error")]]]
    }

    /// The document as JSON (keys sorted, so the same routes give the same bytes).
    static func json(_ routes: [DocumentedRoute]) -> Data {
        (try? JSONSerialization.data(withJSONObject: document(routes), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
